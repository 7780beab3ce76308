/** Brings one refund in line with PhonePe's refund-status API (webhook, reconciler). */
import { eq, sql } from "drizzle-orm";
import { paymentRefunds } from "../../db/schema/payment-refunds.js";
import { db } from "../db/index.js";
import { voidHoldByReference } from "../ledger/index.js";
import { logger } from "../log.js";
import { getRefundStatus, isNotFoundAtPhonePe, isPhonePeError } from "../phonepe/index.js";
import { findRefund, isRefundOpen } from "./queries.js";
import { nextCheckAt, retryAfterProviderError } from "./schedule.js";
import { sendRefund } from "./send-refund.js";
import { markRefundConfirmed, refundHoldReference, settleRefund } from "./settle-refund.js";

/** A refund row whose hold was never linked (the request died part-way) is void after this. */
const ORPHAN_MS = 2 * 60_000;

export async function syncRefund(refundId: number, now = new Date()): Promise<void> {
  const refund = await findRefund(db, refundId);
  if (!refund || !isRefundOpen(refund)) return;
  if (refund.kind === "admin" && refund.holdId === null) {
    if (now.getTime() - (refund.createdAt ?? now).getTime() > ORPHAN_MS) {
      // It may have died after its hold committed and before linking it: release that money by the
      // hold's reference, or the customer's balance stays frozen until the hold expires (30 days).
      await voidHoldByReference({
        reference: refundHoldReference(refund.merchantRefundId),
        reason: "refund not recorded",
      });
      await settleRefund(refund.id, "failed", "NO_HOLD");
    }
    return;
  }
  if (!refund.providerAccepted) {
    await sendRefund(refund.id, now);
    return;
  }
  try {
    const status = await getRefundStatus(refund.merchantRefundId);
    if (status.state === "COMPLETED") return await settleRefund(refund.id, "completed", undefined, now);
    if (status.state === "FAILED") return await settleRefund(refund.id, "failed", status.errorCode ?? "FAILED", now);
    await db
      .update(paymentRefunds)
      .set({
        nextCheckAt: nextCheckAt(refund.createdAt ?? now, now),
        lastCheckedAt: now,
        checkCount: sql`${paymentRefunds.checkCount} + 1`,
      })
      .where(eq(paymentRefunds.id, refund.id));
    if (status.state === "CONFIRMED") await markRefundConfirmed(refund, now);
  } catch (error) {
    if (isNotFoundAtPhonePe(error)) {
      // PhonePe does not know the id although we thought it accepted: send it again (same id).
      await db.update(paymentRefunds).set({ providerAccepted: 0 }).where(eq(paymentRefunds.id, refund.id));
      await sendRefund(refund.id, now);
      return;
    }
    if (!isPhonePeError(error)) throw error;
    logger.warn({ refundId, err: error }, "payments: refund status unavailable; will retry");
    await db
      .update(paymentRefunds)
      .set({ nextCheckAt: retryAfterProviderError(refund.createdAt ?? now, now), lastCheckedAt: now })
      .where(eq(paymentRefunds.id, refund.id));
  }
}
