/**
 * Housekeeping for Vercel Cron, every minute: ledger holds past their expiry (a held amount stops
 * counting against the available balance within a minute), idempotency records past their ≥ 24 h
 * retention, and ledger verification records past 90 days. All sweeps are idempotent, so overlapping
 * runs are harmless.
 */
import { db } from "../db/index.js";
import { sweepExpiredIdempotencyKeys } from "../idempotency/index.js";
import { sweepExpiredHolds, sweepOldVerifications } from "../ledger/index.js";

/**
 * Holds go first and by the database's clock, as a capture judges them (an instance whose clock runs
 * ahead must not expire a hold a capture would still take); the record sweeps are bounded per call.
 */
export async function sweepExpired(): Promise<{
  idempotencyKeysDeleted: number;
  holdsExpired: number;
  /** Holds past their expiry that could not be released this run (logged; retried next run): alert on > 0. */
  holdsFailed: number;
  verificationsDeleted: number;
}> {
  const { expired: holdsExpired, failed: holdsFailed } = await sweepExpiredHolds();
  const now = new Date(); // retention of 24 h and 90 days: an app clock's skew does not matter there
  const idempotencyKeysDeleted = await sweepExpiredIdempotencyKeys(db, now);
  const verificationsDeleted = await sweepOldVerifications(now);
  return { idempotencyKeysDeleted, holdsExpired, holdsFailed, verificationsDeleted };
}
