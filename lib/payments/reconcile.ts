/**
 * GET /api/cron/reconcile-payments: settles what webhooks missed. Takes a bounded batch of payments and
 * refunds whose scheduled check (schedule.ts, PhonePe's polling plan) is due, syncs each one (every
 * transition is conditional, so overlapping runs are harmless), then sweeps expired ledger holds.
 */
import { db } from "../db/index.js";
import { sweepExpiredHolds } from "../ledger/index.js";
import { logger } from "../log.js";
import { duePaymentIds, dueRefundIds } from "./queries.js";
import { syncPayment } from "./sync-payment.js";
import { syncRefund } from "./sync-refund.js";

export const RECONCILE_BATCH = 25;

export type ReconcileReport = { paymentsChecked: number; refundsChecked: number; holdsExpired: number; errors: number };

export async function reconcilePayments(now = new Date(), batch = RECONCILE_BATCH): Promise<ReconcileReport> {
  let errors = 0;
  const paymentIds = await duePaymentIds(db, now, batch);
  for (const id of paymentIds) {
    try {
      await syncPayment(id, now);
    } catch (error) {
      errors++;
      logger.error({ err: error, paymentId: id }, "reconcile: payment sync failed");
    }
  }
  const refundIds = await dueRefundIds(db, now, batch);
  for (const id of refundIds) {
    try {
      await syncRefund(id, now);
    } catch (error) {
      errors++;
      logger.error({ err: error, refundId: id }, "reconcile: refund sync failed");
    }
  }
  const holdsExpired = await sweepExpiredHolds(now);
  return { paymentsChecked: paymentIds.length, refundsChecked: refundIds.length, holdsExpired, errors };
}
