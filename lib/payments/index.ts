export { getPayment } from "./get-payment.js";
export { handleReturn } from "./handle-return.js";
export { handleWebhook } from "./handle-webhook.js";
export { type InitiateInput, initiatePayment } from "./initiate-payment.js";
export { toPaymentResponse } from "./mappers.js";
export { type ReconcileReport, reconcilePayments } from "./reconcile.js";
export { type RefundInput, refundPayment } from "./refund-payment.js";
export { syncPayment } from "./sync-payment.js";
export { syncRefund } from "./sync-refund.js";
