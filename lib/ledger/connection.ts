/**
 * The ledger's own small mysql2 pool. It differs from lib/db's in one flag: `multipleStatements`, so a
 * posting sends its whole write batch (lines, system legs, balance updates, limit counters, COMMIT) in
 * ONE round trip while the wallet rows are locked. Only fixed SQL text with `?` placeholders is ever
 * sent through it (values are escaped by mysql2), so multi-statement mode adds no injection surface.
 */
import mysql, { type Pool, type PoolConnection } from "mysql2/promise";
import { env } from "../env.js";

let ledgerPool: Pool | null = null;

export function getLedgerPool(): Pool {
  ledgerPool ??= mysql.createPool({
    uri: env.DATABASE_URL,
    connectionLimit: env.DATABASE_POOL_SIZE,
    maxIdle: env.DATABASE_POOL_SIZE,
    idleTimeout: 60_000,
    enableKeepAlive: true,
    connectTimeout: 5_000,
    timezone: "Z",
    decimalNumbers: false,
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: ["DATE"],
    multipleStatements: true,
    ...(env.DATABASE_SSL ? { ssl: { rejectUnauthorized: true } } : {}),
  });
  // Every ledger transaction is READ COMMITTED: reads under our row locks see the latest commit and
  // no gap locks are taken. Set once per session (queued before the connection's first use).
  ledgerPool.on("connection", (c) => {
    const core = c as unknown as { query: (sql: string, cb: (e: unknown) => void) => void; destroy: () => void };
    core.query("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED", (e) => {
      if (e) core.destroy();
    });
  });
  return ledgerPool;
}

/** Closes the ledger pool (tests and scripts call this next to `pool.end()`). */
export async function closeLedgerPool(): Promise<void> {
  const p = ledgerPool;
  ledgerPool = null;
  if (p) await p.end();
}

/**
 * Runs `fn` on one connection of the ledger pool. `fn` opens the transaction itself (folded into its
 * first round trip) and commits in its last batch; on any error this rolls back, and a connection whose
 * ROLLBACK fails is destroyed rather than returned (reliability-recipes R4).
 */
export async function onLedgerConnection<T>(fn: (conn: PoolConnection) => Promise<T>): Promise<T> {
  const conn = await getLedgerPool().getConnection();
  let broken = false;
  try {
    return await fn(conn);
  } catch (error) {
    try {
      await conn.query("ROLLBACK");
    } catch {
      broken = true;
    }
    throw error;
  } finally {
    if (broken) conn.destroy();
    else conn.release();
  }
}
