/**
 * Housekeeping for Vercel Cron: idempotency records past their ≥ 24 h retention, and ledger holds past
 * their expiry (the payments reconciler sweeps holds too; both sweeps are idempotent).
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
