/** Response bodies of the payments API, built from rows (never the raw row). */
import type { PaymentRefund } from "../../db/schema/payment-refunds.js";
import type { Payment } from "../../db/schema/payments.js";

export type PublicPaymentStatus = "pending" | "success" | "failed" | "expired" | "refunded";

export function publicStatus(p: Pick<Payment, "status">): PublicPaymentStatus {
  if (p.status === "cancelled" || p.status === null) return p.status === null ? "pending" : "failed";
  return p.status;
}

export function toPaymentResponse(p: Payment) {
  return {
    paymentId: p.id,
    merchantOrderId: p.phonepeMerchantTransactionId,
    amountPaise: p.amount,
    status: publicStatus(p),
    ...(p.paymentMethod ? { paymentMethod: p.paymentMethod } : {}),
    ...(p.refundAmount ? { refundedPaise: p.refundAmount } : {}),
    createdAt: (p.createdAt ?? new Date()).toISOString(),
    ...(p.completedAt ? { completedAt: p.completedAt.toISOString() } : {}),
  };
}

/** The 201 body of POST /api/payments/initiate. */
export function toInitiateResponse(p: Payment, redirectUrl: string) {
  return {
    paymentId: p.id,
    merchantOrderId: p.phonepeMerchantTransactionId,
    redirectUrl,
    expiresAt: (p.expiresAt ?? new Date()).toISOString(),
  };
}

/** The 202 body of the admin refund. */
export function toRefundResponse(r: PaymentRefund) {
  return { refundId: r.merchantRefundId, status: r.status, amountPaise: r.amount, paymentId: r.paymentId };
}
