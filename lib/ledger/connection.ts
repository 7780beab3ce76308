/**
 * The ledger's own small mysql2 pool. It differs from lib/db's in one flag: `multipleStatements`, so a
 * posting sends its whole write batch (lines, system legs, balance updates, limit counters, COMMIT) in
 * ONE round trip while the wallet rows are locked. Only fixed SQL text with `?` placeholders is ever
 * sent through it (values are escaped by mysql2), so multi-statement mode adds no injection surface.
 */
import mysql, { type Pool, type PoolConnection } from "mysql2/promise";
import { onConnection, POOL_OPTIONS, setUpSessions, UTC_SESSION } from "../db/index.js";

let ledgerPool: Pool | null = null;

export function getLedgerPool(): Pool {
  if (ledgerPool) return ledgerPool;
  const created = mysql.createPool({ ...POOL_OPTIONS, dateStrings: ["DATE"], multipleStatements: true });
  // Every ledger transaction is READ COMMITTED: reads under our row locks see the latest commit and
  // no gap locks are taken. Set once per session, with the UTC zone every pool's sessions use.
  setUpSessions(created, [UTC_SESSION, "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED"]);
  ledgerPool = created;
  return created;
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
export function onLedgerConnection<T>(fn: (conn: PoolConnection) => Promise<T>): Promise<T> {
  return onConnection(getLedgerPool(), fn);
}
