/**
 * When to ask PhonePe again about an order or refund that is not final: PhonePe's polling schedule
 * (phonepe.md §1.10) — first check 20 s after creation, then every 3 s for 30 s, 6 s for 60 s, 10 s for
 * 60 s, 30 s for 60 s, then every minute. On Vercel the cron runs once a minute, so the finer steps are
 * reached through the return page, the status GET and webhooks; the schedule still orders the batch.
 */

const S = 1000;

/** The next check of something created at `createdAt` and still pending at `now`. */
export function nextCheckAt(createdAt: Date, now: Date): Date {
  const age = (now.getTime() - createdAt.getTime()) / S;
  if (age < 20) return new Date(createdAt.getTime() + 20 * S);
  const step = age < 50 ? 3 : age < 110 ? 6 : age < 170 ? 10 : age < 230 ? 30 : 60;
  return new Date(now.getTime() + step * S);
}

/**
 * After PhonePe failed to answer about it (unreachable, 5xx, an unexpected 4xx): in 10 s, or at its
 * polling step if that is later. A row whose every check fails then waits its turn like any other; at a
 * fixed 10 s, 25 such rows would sort ahead of everything due and take every reconciler batch.
 */
export function retryAfterProviderError(createdAt: Date, now: Date): Date {
  return new Date(Math.max(now.getTime() + 10 * S, nextCheckAt(createdAt, now).getTime()));
}

/** After we marked an order failed/expired PhonePe may still complete it (late authorization): re-check slowly for a few hours (webhooks cover the rest). */
export const LATE_CHECK_MS = 10 * 60 * S;
export const LATE_CHECK_WINDOW_MS = 3 * 60 * 60 * S;
/** How long after `expiresAt` a still-PENDING order is given before we call it expired ourselves. */
export const EXPIRY_GRACE_MS = 15 * 60 * S;

export function lateCheckAt(createdAt: Date, now: Date): Date | null {
  const at = new Date(now.getTime() + LATE_CHECK_MS);
  return at.getTime() - createdAt.getTime() > LATE_CHECK_WINDOW_MS ? null : at;
}
