/**
 * Housekeeping for Vercel Cron, every minute: ledger holds past their expiry (a held amount stops
 * counting against the available balance within a minute) and idempotency records past their ≥ 24 h
 * retention. Both sweeps are idempotent, so overlapping runs are harmless.
 */
import { db } from "../db/index.js";
import { sweepExpiredIdempotencyKeys } from "../idempotency/index.js";
import { sweepExpiredHolds } from "../ledger/index.js";

export async function sweepExpired(
  now = new Date(),
): Promise<{ idempotencyKeysDeleted: number; holdsExpired: number }> {
  const idempotencyKeysDeleted = await sweepExpiredIdempotencyKeys(db, now);
  const holdsExpired = await sweepExpiredHolds(now);
  return { idempotencyKeysDeleted, holdsExpired };
}
