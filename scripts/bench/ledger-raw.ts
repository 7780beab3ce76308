/**
 * Raw post() throughput (no HTTP, no auth, no idempotency): random pairs vs one hot recipient, next to
 * the minimal SQL transfer loop (raw-ceiling.ts) on the same private durable MariaDB. Run:
 *   npx tsx scripts/bench/ledger-raw.ts [seconds=5] [wallets=2000] [connections=16,64] [reps=3]
 * Prints transfers/s and p50/p99 per case, the post()/raw ratio and the verifier result.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureBinaries } from "../local/binaries.js";
import { ensureDatabase, startMariaDb } from "../local/mariadb.js";
import { applyMigrations } from "../local/migrate.js";
import { percentile } from "./load.js";
import { prepareRawTables, rawTransferLoop } from "./raw-ceiling.js";

const seconds = Number(process.argv[2] ?? 5);
const wallets = Number(process.argv[3] ?? 2000);
const concurrency = (process.argv[4] ?? "16,64").split(",").map(Number);
const reps = Number(process.argv[5] ?? 3);
const dataDir = mkdtempSync(join(tmpdir(), "nexaspay-ledger-bench-"));
const server = await startMariaDb(ensureBinaries(), { dataDir, durable: true, bufferPoolMb: 512 });
const url = await ensureDatabase(server.url, "bench");
await applyMigrations(url);
Object.assign(process.env, { DATABASE_URL: url, DATABASE_POOL_SIZE: "64", LOG_LEVEL: "warn" });
const { applyDevEnv } = await import("../dev-env.js");
applyDevEnv({ dataDir, port: 1, databaseUrl: url, upstashUrl: "http://127.0.0.1:1", upstashToken: "unused" });
const { pool } = await import("../../lib/db/index.js");
const { closeLedgerPool, post, verifyLedger } = await import("../../lib/ledger/index.js");
const { paise } = await import("../../lib/money/index.js");

// Wallets: verified, funded through real postings.
await pool.query(
  `INSERT INTO users (email, username, phone, password, user_code, kyc_status)
   SELECT CONCAT('b', seq, '@bench'), CONCAT('bench', seq), CONCAT('9', LPAD(seq, 9, '0')), 'x', CONCAT('NXB', seq), 'verified'
   FROM seq_1_to_${wallets}`,
);
const [idRows] = (await pool.query("SELECT id FROM users ORDER BY id")) as unknown as [{ id: number }[]];
const ids = idRows.map((r) => r.id);
for (const id of ids) {
  await post({
    reference: `FUND-${id}`,
    kind: "adjustment",
    enforceLimits: false,
    walletLegs: [
      {
        userId: id,
        direction: "credit",
        amountPaise: paise(1_000_000),
        transactionType: "deposit",
        ledgerType: "TopIn",
      },
    ],
    systemLegs: [{ account: "adjustments", direction: "debit", amountPaise: paise(1_000_000) }],
  });
}

let seq = 0;
const pickRandom = (): [number, number] => {
  const a = ids[Math.floor(Math.random() * ids.length)] ?? 0;
  let b = a;
  while (b === a) b = ids[Math.floor(Math.random() * ids.length)] ?? 0;
  return [a, b];
};
const hot = ids[0] ?? 0;
const pickHot = (): [number, number] => [ids[1 + Math.floor(Math.random() * (ids.length - 1))] ?? 0, hot];

async function postLoop(name: string, connections: number, pick: () => [number, number]) {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < deadline) {
        const [from, to] = pick();
        const t0 = performance.now();
        try {
          await post({
            reference: `B${++seq}`,
            kind: "p2p",
            walletLegs: [
              {
                userId: from,
                direction: "debit",
                amountPaise: paise(1),
                transactionType: "transfer",
                ledgerType: "Transfer",
                counterpartyUserId: to,
              },
              {
                userId: to,
                direction: "credit",
                amountPaise: paise(1),
                transactionType: "transfer",
                ledgerType: "Transfer",
                counterpartyUserId: from,
              },
            ],
            systemLegs: [],
          });
          latencies.push(performance.now() - t0);
        } catch (e) {
          if (errors++ < 3) console.error(name, e);
        }
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return { name, seconds: (performance.now() - started) / 1000, latencies, errors };
}

const line = (r: { name: string; seconds: number; latencies: number[]; errors?: number }) => {
  const tps = r.latencies.length / r.seconds;
  console.log(
    `${r.name.padEnd(28)} ${tps.toFixed(0).padStart(6)} tx/s  p50 ${percentile(r.latencies, 50).toFixed(1)} ms  p99 ${percentile(r.latencies, 99).toFixed(1)} ms  errors ${r.errors ?? 0}`,
  );
  return tps;
};

let lastDeadlocks = 0;
/** InnoDB deadlocks since the last call (each one cost a retry inside post()). */
async function deadlocks(label: string): Promise<void> {
  const [rows] = (await pool.query("SHOW GLOBAL STATUS LIKE 'Innodb_deadlocks'")) as unknown as [{ Value: string }[]];
  const now = Number(rows[0]?.Value ?? 0);
  console.log(`  ${label}: ${now - lastDeadlocks} deadlocks (retried)`);
  lastDeadlocks = now;
}

await prepareRawTables(url, wallets);
console.log(`ledger-raw: ${wallets} wallets, ${seconds} s per case, durable MariaDB (flush=1, doublewrite)`);
for (const c of concurrency) {
  const rawRandom = line(
    await rawTransferLoop({
      name: `raw SQL random c=${c}`,
      databaseUrl: url,
      connections: c,
      seconds,
      pick: pickRandom,
    }),
  );
  const rawHot = line(
    await rawTransferLoop({ name: `raw SQL hot c=${c}`, databaseUrl: url, connections: c, seconds, pick: pickHot }),
  );
  // The shared box drifts: alternate the two cases and take medians.
  const rs: number[] = [];
  const hs: number[] = [];
  for (let rep = 0; rep < reps; rep++) {
    rs.push(line(await postLoop(`post() random c=${c} #${rep + 1}`, c, pickRandom)));
    hs.push(line(await postLoop(`post() hot recipient c=${c} #${rep + 1}`, c, pickHot)));
  }
  await deadlocks(`post() c=${c}`);
  const median = (x: number[]) => [...x].sort((a, b) => a - b)[Math.floor(x.length / 2)] ?? 0;
  const random = median(rs);
  const hotTps = median(hs);
  console.log(
    `  c=${c} medians: post() random ${random.toFixed(0)}/s, hot ${hotTps.toFixed(0)}/s; post()/raw random ${(random / rawRandom).toFixed(2)}, hot ${(hotTps / rawHot).toFixed(2)}; post() hot/random ${(hotTps / random).toFixed(2)}`,
  );
}
const v = await verifyLedger();
console.log(`verifier: ${v.ok ? "clean" : JSON.stringify(v.violations.slice(0, 5))}`);
await closeLedgerPool();
await pool.end();
await server.stop();
rmSync(dataDir, { recursive: true, force: true });
