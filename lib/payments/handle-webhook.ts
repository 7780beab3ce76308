/**
 * POST /api/webhooks/phonepe. The header is checked in constant time (401 and nothing else on a
 * mismatch); the body is then only a hint of WHICH order or refund changed: its state is re-read from
 * PhonePe's status API before anything moves, which also defeats replayed or forged-but-authenticated
 * webhooks. Duplicates are harmless because every transition is conditional and the credit is unique.
 */

import { db } from "../db/index.js";
import { env } from "../env.js";
import { AppError } from "../http/errors.js";
import { logger } from "../log.js";
import { PhonePeSignatureError, parseWebhook } from "../phonepe/index.js";
import { findPaymentByMerchantOrderId, findRefundByMerchantRefundId } from "./queries.js";
import { syncPayment } from "./sync-payment.js";
import { syncRefund } from "./sync-refund.js";

/** PhonePe's events are a few kB; anything far larger is not one of them. */
const MAX_WEBHOOK_BYTES = 64 * 1024;

export async function handleWebhook(authorization: string | null, rawBody: string): Promise<{ received: true }> {
  if (Buffer.byteLength(rawBody) > MAX_WEBHOOK_BYTES)
    throw new AppError("PAYLOAD_TOO_LARGE", "The webhook body is too large.");
  let envelope: ReturnType<typeof parseWebhook>;
  try {
    envelope = parseWebhook(authorization, rawBody, {
      username: env.PHONEPE_WEBHOOK_USERNAME,
      password: env.PHONEPE_WEBHOOK_PASSWORD,
    });
  } catch (error) {
    if (error instanceof PhonePeSignatureError) {
      logger.warn({ hasHeader: authorization !== null }, "phonepe webhook: Authorization mismatch; rejected");
      throw new AppError("UNAUTHORIZED", "Webhook authorization failed.");
    }
    throw new AppError("BAD_REQUEST", "The webhook body is not a PhonePe event.");
  }
  const { payload } = envelope;
  const event = envelope.event ?? envelope.type ?? "unknown";
  try {
    if (payload.merchantRefundId) {
      const refund = await findRefundByMerchantRefundId(db, payload.merchantRefundId);
      if (refund) await syncRefund(refund.id);
    } else if (payload.merchantOrderId) {
      const payment = await findPaymentByMerchantOrderId(db, payload.merchantOrderId);
      if (payment) await syncPayment(payment.id);
      else logger.info({ event }, "phonepe webhook: unknown merchantOrderId ignored");
    }
  } catch (error) {
    // Still 200: the event was received; the reconciler settles whatever this attempt could not.
    logger.error({ err: error, event }, "phonepe webhook: processing failed; left to the reconciler");
  }
  return { received: true };
}
