/**
 * `runVerification()`: a verifier run that is recorded in `ledger_verifications`, full or incremental.
 *
 * A full run checks whole tables (its cost grows with the ledger: ~20 s at 1,000,000 lines on the dev
 * box, beyond a function's 30 s limit soon after). An incremental run checks, from a clean checkpoint
 * on, only the ledger rows that arrived since, plus the wallet and hold tables whole.
 *
 * Choosing the lower bound: ids are allocated when a posting inserts, but rows become visible when it
 * commits, so a row with an id below a checkpoint's watermark can appear after that checkpoint. The
 * base is therefore not the newest clean checkpoint P but the newest clean one taken at least
 * `overlapMs` before P: any row P could not see was allocated less than one transaction's lifetime
 * before P's snapshot, so after that base. Rows in the overlap are checked twice; none is skipped.
 */
import { and, desc, eq, lt, lte } from "drizzle-orm";
import { ledgerVerifications, type VerifyScope } from "../../../db/schema/index.js";
import { db } from "../../db/index.js";
import type { VerifyResult } from "../types.js";
import { FROM_THE_START, verifyLedger, type Watermarks } from "./verify-ledger.js";

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
};

/** How long run records are kept (the cron adds 288 a day); an incremental base is never that old. */
export const VERIFICATION_RETENTION_MS = 90 * 24 * 3600_000;

/** The watermarks an incremental run starts above, or null when no clean checkpoint qualifies (→ whole tables). */
export async function incrementalBase(overlapMs = CHECKPOINT_OVERLAP_MS): Promise<Watermarks | null> {
  const clean = eq(ledgerVerifications.ok, true);
  const [latest] = await db
    .select({ startedAt: ledgerVerifications.startedAt })
    .from(ledgerVerifications)
    .where(clean)
    .orderBy(desc(ledgerVerifications.startedAt))
    .limit(1);
  if (!latest) return null;
  const [base] = await db
    .select({
      lines: ledgerVerifications.linesTo,
      system: ledgerVerifications.systemTo,
      postings: ledgerVerifications.postingsTo,
    })
    .from(ledgerVerifications)
    .where(and(clean, lte(ledgerVerifications.startedAt, new Date(latest.startedAt.getTime() - overlapMs))))
    .orderBy(desc(ledgerVerifications.startedAt))
    .limit(1);
  return base ?? null;
}

export async function runVerification(
  scope: VerifyScope,
  options: { overlapMs?: number; on?: Parameters<typeof verifyLedger>[0] } = {},
): Promise<VerificationRun> {
  const t0 = performance.now();
  const base = scope === "incremental" ? await incrementalBase(options.overlapMs) : null;
  const run = await verifyLedger(options.on, base ?? undefined);
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
  });
  const { ok, violations, startedAt, checkMs } = run;
  return { ok, violations, scope, startedAt, durationMs, checked: { from, to }, checkMs };
}

/** Deletes run records past retention, a bounded batch per call (housekeeping cron). */
export async function sweepOldVerifications(now = new Date()): Promise<number> {
  const [result] = await db
    .delete(ledgerVerifications)
    .where(lt(ledgerVerifications.startedAt, new Date(now.getTime() - VERIFICATION_RETENTION_MS)))
    .limit(1000);
  return result.affectedRows;
}
