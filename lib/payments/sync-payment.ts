/**
 * Brings one payment in line with PhonePe's order-status API — the only source a credit may be based
 * on (never the webhook body or the redirect). Called by the webhook, the return page, the status GET
 * and the reconciler; any number of concurrent calls end in the same single outcome. No database lock
 * is held while PhonePe is called.
 */
import type { Payment } from "../../db/schema/payments.js";
import { db } from "../db/index.js";
import { logger } from "../log.js";
import { getOrderStatus, isNotFoundAtPhonePe, isPhonePeError, type OrderStatus } from "../phonepe/index.js";
import { creditPayment } from "./credit-payment.js";
import { findPayment } from "./queries.js";
import { EXPIRY_GRACE_MS, lateCheckAt, nextCheckAt, retryAfterProviderError } from "./schedule.js";
import { flagAmountMismatch, markUnpaid, touchSchedule } from "./settle-payment.js";

/** True when asking PhonePe could still change this payment. */
export function needsCheck(p: Payment): boolean {
  if (p.flagReason || p.transactionId !== null || !p.phonepeMerchantTransactionId) return false;
  return p.status === "pending" || p.status === "failed" || p.status === "expired";
}

async function apply(payment: Payment, status: OrderStatus, now: Date): Promise<void> {
  const created = payment.createdAt ?? now;
  if (status.state === "COMPLETED") {
    if (status.amount !== payment.amount) {
      await flagAmountMismatch(payment, status, now);
      return;
    }
    await creditPayment(payment, status, now);
    return;
  }
  if (status.state === "PENDING") {
    const expires = payment.expiresAt?.getTime() ?? created.getTime() + 30 * 60_000;
    if (payment.status === "pending" && now.getTime() > expires + EXPIRY_GRACE_MS) {
      await markUnpaid(payment, "expired", status.state, lateCheckAt(created, now), now);
    } else {
      await touchSchedule(
        payment.id,
        payment.status === "pending" ? nextCheckAt(created, now) : lateCheckAt(created, now),
        now,
        status.state,
      );
    }
    return;
  }
  // FAILED, EXPIRED or any new terminal state: not paid. Keep a slow watch for a late completion.
  if (payment.status === "pending") {
    const expired = status.state === "EXPIRED" || (payment.expiresAt !== null && now > payment.expiresAt);
    await markUnpaid(payment, expired ? "expired" : "failed", status.state, lateCheckAt(created, now), now);
  } else {
    await touchSchedule(payment.id, lateCheckAt(created, now), now, status.state);
  }
}

/**
 * Checks one payment with PhonePe and applies the result. Takes the row the caller has just read (no
 * second read) or, from the reconciler, its id.
 */
export async function syncPayment(paymentOrId: Payment | number, now = new Date()): Promise<void> {
  const payment = typeof paymentOrId === "number" ? await findPayment(db, paymentOrId) : paymentOrId;
  if (!payment) return;
  if (!needsCheck(payment)) {
    // Nothing PhonePe says can change it any more: drop it from the reconciler's queue.
    if (payment.nextCheckAt !== null) await touchSchedule(payment.id, null, now);
    return;
  }
  let status: OrderStatus;
  try {
    status = await getOrderStatus(payment.phonepeMerchantTransactionId as string);
  } catch (error) {
    if (isNotFoundAtPhonePe(error)) {
      // The pay call never reached PhonePe. Only after the order window can it be called failed.
      const expires = payment.expiresAt?.getTime() ?? 0;
      if (payment.status === "pending" && now.getTime() > expires)
        await markUnpaid(payment, "failed", "NOT_FOUND", null, now);
      else
        await touchSchedule(
          payment.id,
          payment.status === "pending" ? nextCheckAt(payment.createdAt ?? now, now) : null,
          now,
        );
      return;
    }
    if (!isPhonePeError(error)) throw error;
    logger.warn({ paymentId: payment.id, err: error }, "payments: order status unavailable; will retry on schedule");
    await touchSchedule(payment.id, retryAfterProviderError(payment.createdAt ?? now, now), now);
    return;
  }
  await apply(payment, status, now);
}

/**
 * For a customer looking at a payment (status GET, return page): a pending one not checked within
 * `maxAgeMs` is checked with PhonePe first. Returns the row as it is afterwards.
 */
export async function syncIfStale(payment: Payment, maxAgeMs: number, now = new Date()): Promise<Payment> {
  const checkedAt = payment.lastCheckedAt?.getTime();
  if (payment.status !== "pending" || (checkedAt !== undefined && now.getTime() - checkedAt <= maxAgeMs))
    return payment;
  await syncPayment(payment, now);
  return (await findPayment(db, payment.id)) ?? payment;
}
