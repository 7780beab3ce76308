/**
 * Child process for ledger-crash.test.ts, run as `node --import tsx` with DATABASE_URL pointing at the
 * crash-test MariaDB (lib/db and the ledger pool bind to env at import, so the workload lives in its
 * own process). `seed N` creates N funded wallets; `run W` runs W concurrent transfer() loops through
 * the real service and prints `ACK <reference>` only after the posting's COMMIT returned. It exits
 * when every loop has hit a connection error (the server was killed).
 */
import { randomInt } from "node:crypto";
import { pool } from "../../lib/db/index.js";
import { isAppError } from "../../lib/http/errors.js";
import { post } from "../../lib/ledger/index.js";
import { paise } from "../../lib/money/index.js";
import { transfer } from "../../lib/wallet/transfer.js";

const [mode, arg] = process.argv.slice(2);

async function seed(n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const tag = `${Date.now() % 1_000_000}${i}`.padStart(8, "0");
    const [res] = (await pool.query(
      "INSERT INTO users (email, username, phone, password, user_code, kyc_status) VALUES (?, ?, ?, 'x', ?, 'verified')",
      [`crash${tag}@t.test`, `crash${tag}`, `9${tag.slice(-9).padStart(9, "1")}`, `NXC${tag}`],
    )) as unknown as [{ insertId: number }];
    await post({
      reference: `SEED-${tag}`,
      kind: "adjustment",
      enforceLimits: false,
      walletLegs: [
        {
          userId: res.insertId,
          direction: "credit",
          amountPaise: paise(1_000_000),
          transactionType: "deposit",
          ledgerType: "TopIn",
        },
      ],
      systemLegs: [{ account: "adjustments", direction: "debit", amountPaise: paise(1_000_000) }],
    });
  }
  process.stdout.write("SEEDED\n");
  process.exit(0);
}

async function run(workers: number): Promise<void> {
  const [rows] = (await pool.query("SELECT id, user_code FROM users ORDER BY id")) as unknown as [
    { id: number; user_code: string }[],
  ];
  const loop = async () => {
    for (;;) {
      const from = rows[randomInt(rows.length)];
      const to = rows[randomInt(rows.length)];
      if (!from || !to || from.id === to.id) continue;
      try {
        const res = await transfer({
          senderId: from.id,
          recipient: to.user_code,
          amountPaise: paise(1 + randomInt(100)),
        });
        process.stdout.write(`ACK ${res.reference}\n`);
      } catch (error) {
        if (isAppError(error) && error.code !== "SERVICE_UNAVAILABLE") continue; // business rejection
        return; // the server is gone
      }
    }
  };
  process.stdout.write("RUNNING\n");
  await Promise.all(Array.from({ length: workers }, loop));
  process.exit(0);
}

if (mode === "seed") await seed(Number(arg));
else if (mode === "run") await run(Number(arg));
else throw new Error(`unknown mode ${mode}`);
