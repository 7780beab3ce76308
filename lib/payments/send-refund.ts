/**
 * Sends (or re-sends, with the SAME merchantRefundId) a refund request to PhonePe. A lost answer leaves
 * the row unaccepted and the reconciler re-sends; a definitive rejection settles the refund as failed.
 */
import { eq, sql } from "drizzle-orm";
import { type PaymentRefund, paymentRefunds } from "../../db/schema/payment-refunds.js";
import { db } from "../db/index.js";
import { logger } from "../log.js";
import {
  createRefund,
  getRefundStatus,
  isNotFoundAtPhonePe,
  isPhonePeError,
  PhonePeInvalidRequestError,
} from "../phonepe/index.js";
import { findPayment, findRefund, isRefundOpen } from "./queries.js";
import { nextCheckAt, retryAfterProviderError } from "./schedule.js";
import { markRefundConfirmed, settleRefund } from "./settle-refund.js";

/**
 * After a 4xx to a refund request: does PhonePe have a refund with this id? Yes → it is tracked by
 * status from now on (the reconciler settles it). Only PhonePe saying "not found" makes it unknown; any
 * other failure (unreachable, another 4xx, our credentials refused) is not known either way: retry later.
 */
async function knownToPhonePe(refund: PaymentRefund, now: Date): Promise<boolean> {
  try {
    await getRefundStatus(refund.merchantRefundId);
  } catch (error) {
    if (isNotFoundAtPhonePe(error)) return false;
    if (!isPhonePeError(error)) throw error;
    // A 4xx that is not "not found" leaves the refund undecided for as long as PhonePe answers so: a
    // person should look (error); unreachable is ordinary (warn).
    const level = error instanceof PhonePeInvalidRequestError ? "error" : "warn";
    logger[level](
      { refundId: refund.id, err: error },
      "payments: refund status unavailable after a refusal; will retry",
    );
    await retryLater(refund, now);
    return true;
  }
  await db
    .update(paymentRefunds)
    .set({ providerAccepted: 1, nextCheckAt: now })
    .where(eq(paymentRefunds.id, refund.id));
  return true;
}

export async function sendRefund(refundId: number, now = new Date()): Promise<void> {
  const refund = await findRefund(db, refundId);
  if (!refund || refund.providerAccepted || !isRefundOpen(refund)) return;
  const payment = await findPayment(db, refund.paymentId);
  if (!payment?.phonepeMerchantTransactionId) return;
  try {
    const res = await createRefund({
      merchantRefundId: refund.merchantRefundId,
      originalMerchantOrderId: payment.phonepeMerchantTransactionId,
      amountPaise: refund.amount,
    });
    await db
      .update(paymentRefunds)
      .set({
        providerAccepted: 1,
        phonepeRefundId: res.refundId,
        nextCheckAt: nextCheckAt(refund.createdAt ?? now, now),
      })
      .where(eq(paymentRefunds.id, refund.id));
    if (res.state === "CONFIRMED") await markRefundConfirmed(refund, now);
  } catch (error) {
    if (error instanceof PhonePeInvalidRequestError) {
      // PhonePe's code for a repeated id is not documented, and a repeat while the first is pending is
      // documented to answer EXCESS_REFUND_AMOUNT: a 4xx proves nothing about an earlier attempt whose
      // answer was lost. Only PhonePe not knowing the id makes the rejection final (docs/phonepe.md: "call Order/Refund Status for that id before deciding").
      if (await knownToPhonePe(refund, now)) return;
      logger.error({ refundId: refund.id, code: error.code }, "payments: PhonePe rejected the refund");
      await settleRefund(refund.id, "failed", error.code ?? "REJECTED");
      return;
    }
    if (!isPhonePeError(error)) throw error;
    logger.warn(
      { refundId: refund.id, err: error },
      "payments: refund request unanswered; will re-send with the same id",
    );
    await retryLater(refund, now);
  }
}

/** PhonePe did not answer: the reconciler tries again (in 10 s, or at the refund's polling step). */
async function retryLater(refund: PaymentRefund, now: Date): Promise<void> {
  await db
    .update(paymentRefunds)
    .set({
      nextCheckAt: retryAfterProviderError(refund.createdAt ?? now, now),
      checkCount: sql`${paymentRefunds.checkCount} + 1`,
    })
    .where(eq(paymentRefunds.id, refund.id));
}
