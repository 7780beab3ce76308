/** The five PG v2 calls we use (phonepe.md §1.3–1.6), typed and zod-parsed. */
import { phonePeRequest } from "./http.js";
import {
  type OrderStatus,
  orderStatusSchema,
  type PayResponse,
  payResponseSchema,
  type RefundResponse,
  type RefundStatus,
  refundResponseSchema,
  refundStatusSchema,
} from "./schemas.js";

export type PayInput = {
  merchantOrderId: string;
  amountPaise: number;
  /** Seconds (Standard Checkout allows 300–3600). */
  expireAfterSeconds: number;
  redirectUrl: string;
  metaInfo?: Record<string, string>;
};

/** Creates a Standard Checkout order; the browser goes to `redirectUrl`. */
export function createPayment(input: PayInput): Promise<PayResponse> {
  return phonePeRequest(
    "POST",
    "/checkout/v2/pay",
    {
      merchantOrderId: input.merchantOrderId,
      amount: input.amountPaise,
      expireAfter: input.expireAfterSeconds,
      ...(input.metaInfo ? { metaInfo: input.metaInfo } : {}),
      paymentFlow: { type: "PG_CHECKOUT", merchantUrls: { redirectUrl: input.redirectUrl } },
    },
    payResponseSchema,
  );
}

/** The order's authoritative state: the only thing a credit may be based on. */
export function getOrderStatus(merchantOrderId: string): Promise<OrderStatus> {
  return phonePeRequest(
    "GET",
    `/checkout/v2/order/${encodeURIComponent(merchantOrderId)}/status?details=false&errorContext=false`,
    undefined,
    orderStatusSchema,
  );
}

/** Requests a (partial) refund of a COMPLETED order; the initial state is always PENDING. */
export function createRefund(input: {
  merchantRefundId: string;
  originalMerchantOrderId: string;
  amountPaise: number;
}): Promise<RefundResponse> {
  return phonePeRequest(
    "POST",
    "/payments/v2/refund",
    {
      merchantRefundId: input.merchantRefundId,
      originalMerchantOrderId: input.originalMerchantOrderId,
      amount: input.amountPaise,
    },
    refundResponseSchema,
  );
}

export function getRefundStatus(merchantRefundId: string): Promise<RefundStatus> {
  return phonePeRequest(
    "GET",
    `/payments/v2/refund/${encodeURIComponent(merchantRefundId)}/status`,
    undefined,
    refundStatusSchema,
  );
}
