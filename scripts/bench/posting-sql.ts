/**
 * `npm run bench:posting-sql`: what a stored-procedure posting would save (a probe, not the ledger).
 * Five ways to run the same P2P transfer, alternated, 16 in flight, 3,000 each, CPU per transfer:
 *   1. today: the real POST /api/wallet/transfers handler in-process (session check, recipient lookup,
 *      post()'s two multi-statement round trips: 15 statements);
 *   2. one CALL of `bench_transfer`, a procedure with the same statements (without post()'s in-memory
 *      funds and limit checks, so a real one would cost a little more), defined in the bench database only;
 *   3. the same statements as two procedures with the caller in between (post()'s two round trips, the
 *      shape that keeps the funds and limit checks in JavaScript);
 *   4. the body of (2) sent as one multi-statement round trip (so: round trips vs statement text);
 *   5. that body as server-side prepared statements (PREPAREd once per connection, then EXECUTEd in one
 *      round trip): the portable way to skip parsing without a procedure.
 * The verifier runs at the end: the procedure's postings keep every ledger invariant.
 */
import { randomInt, randomUUID } from "node:crypto";
import mysql, { type PoolConnection } from "mysql2/promise";
import { boxSpeedMs } from "./box-speed.js";
import { startInProcessBench } from "./in-process.js";
import {
  BENCH_LOCK_PROCEDURE,
  BENCH_TRANSFER_PROCEDURE,
  BENCH_WRITE_PROCEDURE,
  oneTripTransferSql,
  preparedStatementsSql,
  preparedTransferSql,
  WRITE_ARGS,
} from "./posting-sql-procedure.js";
import { cpuTicks } from "./settle.js";

console.log(`box speed probe: ${boxSpeedMs().toFixed(0)} CPU ms (1,430 on a quiet host; see box-speed.ts)`);
const bench = await startInProcessBench("posting_sql");
const { pool } = await import("../../lib/db/index.js");
const { closeLedgerPool, verifyLedger } = await import("../../lib/ledger/index.js");
const data = await import("./setup-data.js");
const transfers = await import("../../api/wallet/transfers.js");
const users = await data.openSessions(pool, await data.createUsers(pool, 2000, 1));
await data.fundWallets(
  users.map((u) => u.id),
  10_000_000,
  String(Date.now()),
);
const [sessionRows] = (await pool.query("SELECT id, user_id FROM sessions")) as unknown as [
  { id: string; user_id: number }[],
];
const sessionOf = new Map(sessionRows.map((r) => [Number(r.user_id), r.id]));
// Its own pool: variant 3 needs multi-statement text, which the app's pool does not allow.
const probePool = mysql.createPool({
  uri: String(process.env.DATABASE_URL),
  connectionLimit: 16,
  multipleStatements: true,
});
await pool.query("DROP PROCEDURE IF EXISTS bench_transfer");
await pool.query(BENCH_TRANSFER_PROCEDURE);
for (const name of ["bench_transfer_lock", "bench_transfer_write"])
  await pool.query(`DROP PROCEDURE IF EXISTS ${name}`);
await pool.query(BENCH_LOCK_PROCEDURE);
await pool.query(BENCH_WRITE_PROCEDURE);

type Pair = { from: (typeof users)[number]; to: (typeof users)[number] };
const pair = (): Pair => {
  const from = users[randomInt(users.length)] as (typeof users)[number];
  let to = users[randomInt(users.length)] as (typeof users)[number];
  while (to.id === from.id) to = users[randomInt(users.length)] as (typeof users)[number];
  return { from, to };
};
let n = 0;
/** Connections that hold the prepared statements of variant 4 (they live as long as the connection). */
const prepared = new WeakSet<object>();
const reference = () => `PSQ${Date.now().toString(36)}${(n++).toString(36)}`.toUpperCase();
/** A random pair's arguments for the variants that send SQL text. */
const textArgs = () => {
  const { from, to } = pair();
  return {
    session: sessionOf.get(from.id) ?? "",
    recipient: to.userCode,
    idempotencyKey: randomUUID(),
    reference: reference(),
  };
};
/** Deadlocks (A→B and B→A at once) are re-run, as post() does. */
async function retried(run: () => Promise<void>) {
  for (;;) {
    try {
      return await run();
    } catch (error) {
      const errno = (error as { errno?: number }).errno;
      if (errno !== 1213 && errno !== 1205) throw error;
    }
  }
}
async function onConnection(run: (conn: PoolConnection) => Promise<unknown>) {
  const conn = await probePool.getConnection();
  try {
    await run(conn);
  } catch (error) {
    await conn.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    conn.release();
  }
}

const variants: [string, () => Promise<void>][] = [
  [
    "today: transfer handler (15 statements)",
    async () => {
      const { from, to } = pair();
      const res = await transfers.POST(
        new Request("http://x/api/wallet/transfers", {
          method: "POST",
          headers: {
            authorization: `Bearer ${from.token}`,
            "content-type": "application/json",
            "idempotency-key": randomUUID(),
          },
          body: JSON.stringify({ recipient: to.userCode, amountPaise: 100 }),
        }),
      );
      if (res.status !== 201) throw new Error(`transfer answered ${res.status}: ${await res.text()}`);
    },
  ],
  [
    "one CALL of the procedure",
    () => {
      const { from, to } = pair();
      const args = [sessionOf.get(from.id), to.userCode, randomUUID(), reference()];
      return retried(() => onConnection((c) => c.query("CALL bench_transfer(?, ?, ?, ?, 1.00)", args)));
    },
  ],
  [
    "two CALLs, the caller in between",
    () => {
      const { from, to } = pair();
      const ref = reference();
      return retried(() =>
        onConnection(async (c) => {
          const [sets] = (await c.query("CALL bench_transfer_lock(?, ?, ?, ?)", [
            sessionOf.get(from.id),
            to.userCode,
            randomUUID(),
            ref,
          ])) as unknown as [Record<string, unknown>[][]];
          const row = sets[0]?.[0];
          if (!row) throw new Error("bench_transfer_lock returned no row");
          // (post() checks funds, KYC tier and limits here, in JavaScript.)
          const rest = WRITE_ARGS.map((k) => row[k]);
          await c.query("CALL bench_transfer_write(?, ?, ?, ?, 1.00, ?, ?, ?, ?, ?, ?, ?, ?)", [
            row.sender,
            row.rcpt,
            row.pid,
            ref,
            ...rest,
          ]);
        }),
      );
    },
  ],
  [
    "its body as one multi-statement trip",
    () => {
      const sql = oneTripTransferSql(probePool, textArgs());
      return retried(() => onConnection((c) => c.query(sql)));
    },
  ],
  [
    "its body as prepared statements, 1 trip",
    () => {
      const sql = preparedTransferSql(probePool, textArgs());
      return retried(() =>
        onConnection(async (c) => {
          const raw = c.connection as unknown as object;
          if (!prepared.has(raw)) {
            await c.query(preparedStatementsSql());
            prepared.add(raw);
          }
          await c.query(sql);
        }),
      );
    },
  ],
];

async function measure(name: string, call: () => Promise<void>, count = 3000) {
  const run = async (total: number) => {
    let i = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (i++ < total) await call();
      }),
    );
  };
  await run(300);
  const [m0, c0, t0] = [cpuTicks(bench.pids.mariadb), process.cpuUsage(), performance.now()];
  await run(count);
  const c = process.cpuUsage(c0);
  const seconds = (performance.now() - t0) / 1000;
  const mariadbMs = ((cpuTicks(bench.pids.mariadb) - m0) * 10) / count;
  console.log(
    `${name.padEnd(40)} MariaDB ${mariadbMs.toFixed(2)} ms, this process ${((c.user + c.system) / 1000 / count).toFixed(2)} ms per transfer, ${(count / seconds).toFixed(0)}/s`,
  );
}
for (let round = 0; round < 3; round++) for (const [name, call] of variants) await measure(name, call);
const verdict = await verifyLedger();
console.log(`ledger verifier: ${verdict.ok ? "clean" : JSON.stringify(verdict.violations.slice(0, 5))}`);
await new Promise((r) => setTimeout(r, 100));
await closeLedgerPool();
await probePool.end();
await pool.end();
await bench.stop();
process.exit(verdict.ok ? 0 : 1);
