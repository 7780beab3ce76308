/**
 * Child process for ledger-crash.test.ts, run as `node --import tsx` with DATABASE_URL pointing at the
 * crash-test MariaDB (lib/db and the ledger pool bind to env at import, so the workload lives in its
 * own process). `seed N` creates N funded wallets; `run W` runs W concurrent transfer() loops through
 * the real service: `TRY <reference> <from id> <to code> <paise>` before each, then `ACK <reference>`
 * only after the posting's COMMIT returned, or `NACK <reference>` for a business rejection. It exits
 * when every loop has hit a connection error (the server was killed). `retry <json>` re-sends in-doubt
 * transfers with their own references, as a client retrying after a lost answer would, and prints
 * `RESOLVED <reference> posted|existed`.
 */
import { randomInt } from "node:crypto";
import { pool } from "../../lib/db/index.js";
import { isAppError } from "../../lib/http/errors.js";
import { post } from "../../lib/ledger/index.js";
import { paise } from "../../lib/money/index.js";
import { newTransferReference, transfer } from "../../lib/wallet/transfer.js";

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
      const reference = newTransferReference();
      const amount = 1 + randomInt(100);
      process.stdout.write(`TRY ${reference} ${from.id} ${to.user_code} ${amount}\n`);
      try {
        await transfer({ senderId: from.id, recipient: to.user_code, amountPaise: paise(amount), reference });
        process.stdout.write(`ACK ${reference}\n`);
      } catch (error) {
        if (isAppError(error) && error.code !== "SERVICE_UNAVAILABLE") {
          process.stdout.write(`NACK ${reference}\n`); // business rejection: definitely not posted
          continue;
        }
        return; // the server is gone
      }
    }
  };
  process.stdout.write("RUNNING\n");
  await Promise.all(Array.from({ length: workers }, loop));
  process.exit(0);
}

export type InDoubt = { reference: string; senderId: number; recipient: string; amountPaise: number };

async function retry(json: string): Promise<void> {
  for (const t of JSON.parse(json) as InDoubt[]) {
    try {
      await transfer({ ...t, amountPaise: paise(t.amountPaise) });
      process.stdout.write(`RESOLVED ${t.reference} posted\n`);
    } catch (error) {
      if (!isAppError(error) || error.code !== "CONFLICT") throw error;
      process.stdout.write(`RESOLVED ${t.reference} existed\n`); // its first attempt had committed
    }
  }
  process.exit(0);
}

if (mode === "seed") await seed(Number(arg));
else if (mode === "run") await run(Number(arg));
else if (mode === "retry") await retry(String(arg));
else throw new Error(`unknown mode ${mode}`);
