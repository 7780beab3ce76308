/**
 * Response shapes of PG v2 (phonepe.md §1, §5). Lenient on purpose ("avoid strict deserialization"):
 * unknown fields pass through (`looseObject`) and states are any string, so a new state such as
 * `EXPIRED` is data, not a crash. Only the fields money decisions need are required.
 */
import { z } from "zod";

const amount = z.number().int().nonnegative();

export const tokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string().min(1).default("O-Bearer"),
  issued_at: z.number().int().optional(),
  expires_at: z.number().int(),
});
export type TokenResponse = z.infer<typeof tokenResponseSchema>;

export const payResponseSchema = z.looseObject({
  orderId: z.string().min(1),
  state: z.string(),
  expireAt: z.number().int(),
  redirectUrl: z.string().min(1),
});
export type PayResponse = z.infer<typeof payResponseSchema>;

export const paymentAttemptSchema = z.looseObject({
  transactionId: z.string().optional(),
  paymentMode: z.string().optional(),
  timestamp: z.number().optional(),
  amount: amount.optional(),
  state: z.string().optional(),
  errorCode: z.string().optional(),
  detailedErrorCode: z.string().optional(),
});
export type PaymentAttempt = z.infer<typeof paymentAttemptSchema>;

export const orderStatusSchema = z.looseObject({
  orderId: z.string().optional(),
  merchantOrderId: z.string().optional(),
  state: z.string().min(1),
  amount,
  expireAt: z.number().int().optional(),
  errorCode: z.string().optional(),
  detailedErrorCode: z.string().optional(),
  paymentDetails: z.array(paymentAttemptSchema).default([]),
});
export type OrderStatus = z.infer<typeof orderStatusSchema>;

export const refundResponseSchema = z.looseObject({
  refundId: z.string().min(1),
  amount,
  state: z.string().min(1),
});
export type RefundResponse = z.infer<typeof refundResponseSchema>;

export const refundStatusSchema = z.looseObject({
  merchantRefundId: z.string().optional(),
  originalMerchantOrderId: z.string().optional(),
  refundId: z.string().optional(),
  amount,
  state: z.string().min(1),
  errorCode: z.string().optional(),
});
export type RefundStatus = z.infer<typeof refundStatusSchema>;

export const errorBodySchema = z.looseObject({
  code: z.string().optional(),
  errorCode: z.string().optional(),
  message: z.string().optional(),
  data: z.unknown().optional(),
});

/** The webhook envelope: `event` is the name to use (`type` is being deprecated, phonepe.md §1.7). */
export const webhookSchema = z.looseObject({
  event: z.string().optional(),
  type: z.string().optional(),
  payload: z.looseObject({
    merchantOrderId: z.string().optional(),
    originalMerchantOrderId: z.string().optional(),
    merchantRefundId: z.string().optional(),
    state: z.string().optional(),
    amount: z.number().optional(),
  }),
});
export type WebhookEnvelope = z.infer<typeof webhookSchema>;
