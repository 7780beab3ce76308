/**
 * GET /api/cron/reconcile-payments: settles what webhooks missed. Takes a bounded batch of payments and
 * refunds whose scheduled check (schedule.ts, PhonePe's polling plan) is due, syncs each one (every
 * transition is conditional, so overlapping runs are harmless). Expired ledger holds are swept by
 * GET /api/cron/sweep-expired, which owns ledger housekeeping.
 */
import { db } from "../db/index.js";
import { logger } from "../log.js";
import { deferDueCheck, duePaymentIds, dueRefundIds } from "./queries.js";
import { syncPayment } from "./sync-payment.js";
import { syncRefund } from "./sync-refund.js";

export const RECONCILE_BATCH = 25;
/** Stop starting new checks after this long: the function has 30 s and PhonePe may be slow (3 × timeout per call). */
export const RECONCILE_BUDGET_MS = 18_000;

/**
 * How long a row whose check threw waits before its next one. PhonePe being unavailable is handled in
 * the syncs (`retryAfterProviderError`); what throws here is our side (a database error, a bug, a row that
 * cannot be settled), and left due it would keep its old slot at the head of the queue: 25 such rows
 * would take every batch and starve every other payment and refund.
 */
export const RECONCILE_ERROR_BACKOFF_MS = 5 * 60_000;

/** Logs a failed check and moves the row back in the queue (best effort: the database may be what failed). */
async function onSyncError(what: "payment" | "refund", id: number, error: unknown, now: Date) {
  logger.error({ err: error, [`${what}Id`]: id }, `reconcile: ${what} sync failed`);
  await deferDueCheck(db, what, id, now, new Date(now.getTime() + RECONCILE_ERROR_BACKOFF_MS)).catch((e: unknown) =>
    logger.error({ err: e, [`${what}Id`]: id }, "reconcile: could not defer the failed check"),
  );
}

export type ReconcileReport = {
  paymentsChecked: number;
  refundsChecked: number;
  errors: number;
  /** True when the time budget ended the run early; the rest stays due for the next run. */
  truncated: boolean;
};

export async function reconcilePayments(now = new Date(), batch = RECONCILE_BATCH): Promise<ReconcileReport> {
  const started = Date.now();
  const outOfTime = () => Date.now() - started > RECONCILE_BUDGET_MS;
  const [paymentIds, refundIds] = await Promise.all([duePaymentIds(db, now, batch), dueRefundIds(db, now, batch)]);
  // Payments and refunds take turns: one PhonePe call can take 3 × its timeout, and with refunds after
  // all payments a few slow orders spent the whole budget every run while refunds never got theirs.
  const queue: Array<["payment" | "refund", number]> = [];
  for (let i = 0; i < Math.max(paymentIds.length, refundIds.length); i++) {
    if (i < paymentIds.length) queue.push(["payment", paymentIds[i] as number]);
    if (i < refundIds.length) queue.push(["refund", refundIds[i] as number]);
  }
  const checked = { payment: 0, refund: 0 };
  let errors = 0;
  for (const [what, id] of queue) {
    if (outOfTime()) break;
    checked[what]++;
    try {
      await (what === "payment" ? syncPayment : syncRefund)(id, now);
    } catch (error) {
      errors++;
      await onSyncError(what, id, error, now);
    }
  }
  const truncated = checked.payment + checked.refund < queue.length || outOfTime();
  return { paymentsChecked: checked.payment, refundsChecked: checked.refund, errors, truncated };
}
