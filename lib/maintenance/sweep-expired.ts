/**
 * Housekeeping for Vercel Cron, every minute: ledger holds past their expiry (a held amount stops
 * counting against the available balance within a minute), idempotency records past their ≥ 24 h
 * retention, and ledger verification records past 90 days. All sweeps are idempotent, so overlapping
 * runs are harmless.
 */
import { db } from "../db/index.js";
import { sweepExpiredIdempotencyKeys } from "../idempotency/index.js";
import { sweepExpiredHolds, sweepOldVerifications } from "../ledger/index.js";

export async function sweepExpired(
  now = new Date(),
): Promise<{ idempotencyKeysDeleted: number; holdsExpired: number; verificationsDeleted: number }> {
  const idempotencyKeysDeleted = await sweepExpiredIdempotencyKeys(db, now);
  const holdsExpired = await sweepExpiredHolds(now);
  const verificationsDeleted = await sweepOldVerifications(now);
  return { idempotencyKeysDeleted, holdsExpired, verificationsDeleted };
}
