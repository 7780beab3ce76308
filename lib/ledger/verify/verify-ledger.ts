/** `verifyLedger()`: runs every invariant check and reports violations (empty = the ledger is sound). */
import type { Pool, RowDataPacket } from "mysql2/promise";
import { pool } from "../../db/index.js";
import type { VerifyResult, Violation } from "../types.js";
import { CHECKS } from "./checks.js";

/** Anything with mysql2's promise `query` (the app pool, a dedicated pool, one connection). */
export type Queryable = { query: (sql: string) => Promise<unknown> };

/**
 * Checks every ledger invariant. Read-only and lock-free; given a pool, all checks read one consistent
 * snapshot, so it can run against a live database while postings commit.
 */
export async function verifyLedger(q: Queryable | Pool = pool): Promise<VerifyResult> {
  if (!("getConnection" in q)) return runChecks(q);
  // One REPEATABLE READ snapshot for all checks, so a posting committing mid-run cannot look torn.
  const conn = await q.getConnection();
  try {
    await conn.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
    // The GROUP BY checks build temp tables; keep them in memory (on-disk ones in a shared tmpdir
    // were seen deleted under us on the dev box) — session-only, reset when the connection is reused.
    await conn.query("SET SESSION tmp_table_size = 536870912, max_heap_table_size = 536870912");
    await conn.query("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
    return await runChecks(conn);
  } finally {
    try {
      await conn.query("ROLLBACK");
      await conn.query("SET SESSION tmp_table_size = DEFAULT, max_heap_table_size = DEFAULT");
      conn.release();
    } catch {
      conn.destroy();
    }
  }
}

async function runChecks(q: Queryable): Promise<VerifyResult> {
  const violations: Violation[] = [];
  for (const check of CHECKS) {
    const [rows] = (await q.query(`${check.sql} LIMIT 20`)) as [RowDataPacket[]];
    for (const row of rows) violations.push({ check: check.name, detail: JSON.stringify(row) });
  }
  return { ok: violations.length === 0, violations };
}
