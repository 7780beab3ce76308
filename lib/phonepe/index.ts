export { createPayment, createRefund, getOrderStatus, getRefundStatus, type PayInput } from "./client.js";
export * from "./errors.js";
export { MAX_ATTEMPTS } from "./http.js";
export type {
  OrderStatus,
  PaymentAttempt,
  PayResponse,
  RefundResponse,
  RefundStatus,
  WebhookEnvelope,
} from "./schemas.js";
export { invalidateToken } from "./token.js";
export { parseWebhook, verifyWebhookAuthorization, webhookAuthorization } from "./webhook.js";
