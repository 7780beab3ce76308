/** `verifyLedger()`: runs every invariant check and reports violations (empty = the ledger is sound). */
import type { Pool, RowDataPacket } from "mysql2/promise";
import { pool } from "../../db/index.js";
import type { VerifyResult, Violation } from "../types.js";
import { CHECKS, type Check } from "./checks.js";

/** Anything with mysql2's promise `query` (the app pool, a dedicated pool, one connection). */
export type Queryable = { query: (sql: string) => Promise<unknown> };

/** Highest ids per ledger table: what a run's snapshot saw, or the exclusive lower bounds it scans. */
export type Watermarks = { lines: number; system: number; postings: number };

/**
 * Which ledger rows a run examines: ids above `since` (whole tables without it), and with `maxIdsPerTable`
 * at most that many ids above it per table, so a run over a long backlog stays within a function's time
 * limit and the next run continues from where it stopped.
 */
export type CheckRange = { since?: Watermarks; maxIdsPerTable?: number };

export type LedgerCheckRun = VerifyResult & {
  /** Read once the snapshot was open: ids allocated later are all above the snapshot's highest ids. */
  startedAt: Date;
  /** The highest ids examined per table: the snapshot's, or lower where `maxIdsPerTable` cut the range. */
  watermarks: Watermarks;
  /** The highest ids the snapshot saw, per table. */
  highest: Watermarks;
  /** Milliseconds each check took, by name: where a full run's time goes as the ledger grows. */
  checkMs: Record<string, number>;
};

/**
 * Checks every ledger invariant. Read-only and lock-free; given a pool, all checks read one consistent
 * snapshot, so it can run against a live database while postings commit.
 */
export async function verifyLedger(q: Queryable | Pool = pool, range: CheckRange = {}): Promise<LedgerCheckRun> {
  if (!("getConnection" in q)) return runChecks(q, range);
  // One REPEATABLE READ snapshot for all checks, so a posting committing mid-run cannot look torn.
  const conn = await q.getConnection();
  try {
    await conn.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
    // The GROUP BY checks build temp tables; keep them in memory (on-disk ones in a shared tmpdir
    // were seen deleted under us on the dev box) — session-only, reset when the connection is reused.
    await conn.query("SET SESSION tmp_table_size = 536870912, max_heap_table_size = 536870912");
    await conn.query("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
    return await runChecks(conn, range);
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

/** Whole tables from id 0 (ids start at 1), or from a checkpoint's ids. */
export const FROM_THE_START: Watermarks = { lines: 0, system: 0, postings: 0 };

/**
 * A check's SQL for the ids above `since` up to `to` (numbers we read ourselves, checked to be integers
 * before they enter the SQL); without `since`, a check's faster whole-table form where it has one.
 */
function checkSql(check: Check, to: Watermarks, since?: Watermarks): string {
  if (!since && check.whole) return check.whole;
  const from = since ?? FROM_THE_START;
  return check.sql.replace(/:(lines|system|postings)(_to)?\b/g, (_, table: keyof Watermarks, upper?: string) => {
    const id = (upper ? to : from)[table];
    if (!Number.isSafeInteger(id) || id < 0) throw new Error(`verifier bound ${table} is not an id: ${id}`);
    return String(id);
  });
}

/** BIGINTs arrive as strings (bigNumberStrings); a paise amount in a report is a JSON number. */
const paiseAsNumbers = (key: string, value: unknown) =>
  key.endsWith("_paise") && typeof value === "string" ? Number(value) : value;

async function runChecks(
  q: Queryable,
  { since, maxIdsPerTable = Number.POSITIVE_INFINITY }: CheckRange,
): Promise<LedgerCheckRun> {
  const [[marks]] = (await q.query(
    `SELECT (SELECT COALESCE(MAX(id), 0) FROM transactions) AS lines_to,
      (SELECT COALESCE(MAX(id), 0) FROM system_ledger_entries) AS system_to,
      (SELECT COALESCE(MAX(id), 0) FROM postings) AS postings_to`,
  )) as [RowDataPacket[]];
  const startedAt = new Date();
  const highest: Watermarks = {
    lines: Number(marks?.lines_to),
    system: Number(marks?.system_to),
    postings: Number(marks?.postings_to),
  };
  // A whole-table run (no `since`) is never cut: its faster `whole` forms have no upper bound.
  const upTo = (table: keyof Watermarks) =>
    since ? Math.min(highest[table], since[table] + maxIdsPerTable) : highest[table];
  const watermarks: Watermarks = { lines: upTo("lines"), system: upTo("system"), postings: upTo("postings") };
  const violations: Violation[] = [];
  const checkMs: Record<string, number> = {};
  for (const check of CHECKS) {
    const t0 = performance.now();
    const [rows] = (await q.query(`${checkSql(check, watermarks, since)} LIMIT 20`)) as [RowDataPacket[]];
    checkMs[check.name] = Math.round(performance.now() - t0);
    for (const row of rows) violations.push({ check: check.name, detail: JSON.stringify(row, paiseAsNumbers) });
  }
  return { ok: violations.length === 0, violations, startedAt, watermarks, highest, checkMs };
}
