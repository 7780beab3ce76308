/**
 * `runVerification()`: a verifier run that is recorded in `ledger_verifications`, full or incremental.
 *
 * A full run checks whole tables (its cost grows with the ledger: ~20 s at 1,000,000 lines on the dev
 * box, beyond a function's 30 s limit soon after). An incremental run checks, from an earlier run's
 * watermarks (a checkpoint), only the ledger rows that arrived since, at most MAX_IDS_PER_RUN per table,
 * plus the wallet and hold tables whole.
 *
 * Choosing the lower bound: ids are allocated when a posting inserts, but rows become visible when it
 * commits, so a row with an id below a checkpoint's watermark can appear after that checkpoint. The
 * base is therefore not the newest checkpoint P but the newest one taken at least `overlapMs` before P:
 * any row P could not see was allocated less than one transaction's lifetime before P's snapshot, so
 * after that base. Rows in the overlap are checked twice; none is skipped.
 *
 * A run that found violations is a checkpoint too: its rows were examined and reported. If only clean
 * runs could be bases, one lasting violation would pin the base, and every later run would re-check
 * everything since until it outgrew the time limit and the alert went quiet. The report does not go
 * quiet instead: a failing run stays *outstanding* — named by every later run's answer, and logged by
 * the cron — until a later clean run has examined its whole range again (a full run does), or an admin
 * acknowledges it (a bad ledger row cannot be repaired, only compensated; and past ~1.5M lines a full
 * run no longer fits a function's time limit).
 */
import { and, asc, desc, eq, gt, gte, isNull, lt, lte, notExists, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/mysql-core";
import { ledgerVerifications, type VerifyScope } from "../../../db/schema/index.js";
import { db } from "../../db/index.js";
import type { VerifyResult } from "../types.js";
import { FROM_THE_START, verifyLedger, type Watermarks } from "./verify-ledger.js";

/**
 * Ids per table one incremental run examines at most. `npm run bench:transfers` prints a chunk's cost
 * from the start of its 1,010,000-line ledger: 9.5 s for 250,000 (posting_sums_to_zero 4.9 s), a third of
 * a function's limit; 1,000,000 took 27.6 s. A backlog (a cron outage, a first run over an
 * existing ledger) is worked off chunk after chunk by the cron (scheduled-verification.ts).
 */
export const MAX_IDS_PER_RUN = 250_000;

/**
 * Longer than any ledger transaction stays open: postings take milliseconds, lock waits time out in
 * seconds, and a function is stopped after 30 s (its connection closes and the transaction rolls back).
 */
export const CHECKPOINT_OVERLAP_MS = 10 * 60_000;

export type VerificationRun = VerifyResult & {
  scope: VerifyScope;
  startedAt: Date;
  durationMs: number;
  /** Exclusive lower and inclusive upper ids of the ledger rows this run checked, per table. */
  checked: { from: Watermarks; to: Watermarks };
  /** Milliseconds per check, by name. */
  checkMs: Record<string, number>;
  /** The chunk limit stopped it below what its snapshot saw: a backlog remains. */
  cutShort: boolean;
  /** The oldest failing run no later clean run has re-examined (this one included), or null. */
  outstanding: OutstandingFailure | null;
};

export type OutstandingFailure = { since: Date; scope: VerifyScope; violationCount: number };

/** How long run records are kept (the cron adds 288 a day), except an outstanding failure and what follows it. */
export const VERIFICATION_RETENTION_MS = 90 * 24 * 3600_000;

const v = ledgerVerifications;
const RUN = {
  startedAt: v.startedAt,
  linesFrom: v.linesFrom,
  systemFrom: v.systemFrom,
  postingsFrom: v.postingsFrom,
  lines: v.linesTo,
  system: v.systemTo,
  postings: v.postingsTo,
  linesSeen: v.linesSeen,
  systemSeen: v.systemSeen,
  postingsSeen: v.postingsSeen,
};
type Table = keyof Watermarks;
const TABLES = ["lines", "system", "postings"] as const;

/** The newest recorded run (the latest checkpoint), or undefined. */
const newestRun = async () => (await db.select(RUN).from(v).orderBy(desc(v.startedAt)).limit(1))[0];
type RunRow = NonNullable<Awaited<ReturnType<typeof newestRun>>>;
/** The highest id a run's snapshot saw (its own upper id where that was not recorded). */
const seenBy = (r: RunRow, t: Table) => r[`${t}Seen`] ?? r[t];
/** Whether a run that examined up to `to` stopped below the ids its snapshot saw: a backlog remains. */
const isCutShort = (to: Watermarks, seen: (t: Table) => number) => TABLES.some((t) => to[t] < seen(t));

/** Whether the newest run started after `since` and examined everything its snapshot saw. */
export async function newestRunCaughtUp(since: Date): Promise<boolean> {
  const newest = await newestRun();
  return !!newest && newest.startedAt > since && !isCutShort(newest, (t) => seenBy(newest, t));
}

/**
 * The watermarks an incremental run starts above, or null when no checkpoint qualifies (→ from the start).
 * Per table: the newest run's upper id, capped at what the newest run at least `overlapMs` older than it
 * saw (the module comment). Every id up to that older snapshot's highest was allocated before it, so had
 * committed (or rolled back) when the newest run's snapshot opened: the newest run examined all of those
 * in its range. Ids above that cap may have been invisible to it and are examined again. Working off a
 * backlog (runs cut short by the chunk limit, far below the older snapshot's highest), each run therefore
 * continues exactly where the one before it stopped.
 */
export async function incrementalBase(overlapMs = CHECKPOINT_OVERLAP_MS): Promise<Watermarks | null> {
  const latest = await newestRun();
  if (!latest) return null;
  const [older] = await db
    .select(RUN)
    .from(v)
    .where(lte(v.startedAt, new Date(latest.startedAt.getTime() - overlapMs)))
    .orderBy(desc(v.startedAt))
    .limit(1);
  if (!older) return null;
  // Never below the newest run's own base: everything up to it had been examined before that run.
  const base = (t: Table) => Math.max(latest[`${t}From`], Math.min(latest[t], seenBy(older, t)));
  return { lines: base("lines"), system: base("system"), postings: base("postings") };
}

export async function runVerification(
  scope: VerifyScope,
  options: { overlapMs?: number; maxIdsPerRun?: number; on?: Parameters<typeof verifyLedger>[0] } = {},
): Promise<VerificationRun> {
  const t0 = performance.now();
  const base = scope === "incremental" ? ((await incrementalBase(options.overlapMs)) ?? FROM_THE_START) : null;
  const range = base ? { since: base, maxIdsPerTable: options.maxIdsPerRun ?? MAX_IDS_PER_RUN } : {};
  const run = await verifyLedger(options.on, range);
  const durationMs = Math.round(performance.now() - t0);
  const from = base ?? FROM_THE_START;
  const to = run.watermarks;
  await db.insert(ledgerVerifications).values({
    scope,
    startedAt: run.startedAt,
    durationMs,
    ok: run.ok,
    violationCount: run.violations.length,
    linesFrom: from.lines,
    linesTo: to.lines,
    systemFrom: from.system,
    systemTo: to.system,
    postingsFrom: from.postings,
    postingsTo: to.postings,
    linesSeen: run.highest.lines,
    systemSeen: run.highest.system,
    postingsSeen: run.highest.postings,
  });
  const { ok, violations, startedAt, checkMs } = run;
  const outstanding = await outstandingFailure();
  const cutShort = isCutShort(to, (t) => run.highest[t]);
  return { ok, violations, scope, startedAt, durationMs, checked: { from, to }, checkMs, cutShort, outstanding };
}

/**
 * The oldest failing run that no later clean run re-examined whole (every table's range within its own)
 * and no admin acknowledged (acknowledge.ts).
 */
export async function outstandingFailure(): Promise<OutstandingFailure | null> {
  const failed = ledgerVerifications;
  const later = alias(ledgerVerifications, "later");
  const reExamined = db
    .select({ one: sql`1` })
    .from(later)
    .where(
      and(
        eq(later.ok, true),
        gt(later.startedAt, failed.startedAt),
        lte(later.linesFrom, failed.linesFrom),
        gte(later.linesTo, failed.linesTo),
        lte(later.systemFrom, failed.systemFrom),
        gte(later.systemTo, failed.systemTo),
        lte(later.postingsFrom, failed.postingsFrom),
        gte(later.postingsTo, failed.postingsTo),
      ),
    );
  const [oldest] = await db
    .select({ since: failed.startedAt, scope: failed.scope, violationCount: failed.violationCount })
    .from(failed)
    .where(and(eq(failed.ok, false), isNull(failed.acknowledgedAt), notExists(reExamined)))
    .orderBy(asc(failed.startedAt))
    .limit(1);
  return oldest ?? null;
}

/** Deletes run records past retention, a bounded batch per call (housekeeping cron); never an outstanding failure. */
export async function sweepOldVerifications(now = new Date()): Promise<number> {
  const retained = now.getTime() - VERIFICATION_RETENTION_MS;
  const outstanding = await outstandingFailure();
  const before = new Date(Math.min(retained, outstanding?.since.getTime() ?? retained));
  const [result] = await db.delete(ledgerVerifications).where(lt(ledgerVerifications.startedAt, before)).limit(1000);
  return result.affectedRows;
}
