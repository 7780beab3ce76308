/**
 * POST /api/webhooks/phonepe. The header is checked in constant time (401 and nothing else on a
 * mismatch); the body is then only a hint of WHICH order or refund changed: its state is re-read from
 * PhonePe's status API before anything moves, which also defeats replayed or forged-but-authenticated
 * webhooks. Duplicates are harmless because every transition is conditional and the credit is unique.
 */

import { eq } from "drizzle-orm";
import { payments } from "../../db/schema/payments.js";
import { afterResponse } from "../after-response.js";
import { db } from "../db/index.js";
import { env } from "../env.js";
import { AppError } from "../http/errors.js";
import { logger } from "../log.js";
import { PhonePeSignatureError, parseWebhook, type WebhookEnvelope } from "../phonepe/index.js";
import { findPaymentByMerchantOrderId, findRefundByMerchantRefundId } from "./queries.js";
import { syncPayment } from "./sync-payment.js";
import { syncRefund } from "./sync-refund.js";

const ANSWER_WITHIN_MS = 2_500;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref?.());

/** PhonePe's events are a few kB; anything far larger is not one of them. */
const MAX_WEBHOOK_BYTES = 64 * 1024;

export async function handleWebhook(authorization: string | null, rawBody: string): Promise<{ received: true }> {
  if (Buffer.byteLength(rawBody) > MAX_WEBHOOK_BYTES)
    throw new AppError("PAYLOAD_TOO_LARGE", "The webhook body is too large.");
  let envelope: WebhookEnvelope;
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
  const work = applyEvent(envelope).catch((error: unknown) => {
    // Still 200: the event was received; the reconciler settles whatever this attempt could not.
    logger.error({ err: error, event: envelope.event ?? envelope.type }, "phonepe webhook: processing failed");
  });
  // PhonePe wants a 2xx within 3–5 s (phonepe.md §7.10). Usually the status check is done well before;
  // if PhonePe is slow, answer anyway and let the function finish the check after the response.
  const finished = await Promise.race([work.then(() => true), sleep(ANSWER_WITHIN_MS).then(() => false)]);
  if (!finished) afterResponse(work);
  return { received: true };
}

async function applyEvent(envelope: WebhookEnvelope): Promise<void> {
  const { payload } = envelope;
  if (payload.merchantRefundId) {
    const refund = await findRefundByMerchantRefundId(db, payload.merchantRefundId);
    if (refund) await syncRefund(refund.id);
  } else if (payload.merchantOrderId) {
    const payment = await findPaymentByMerchantOrderId(db, payload.merchantOrderId);
    if (payment) {
      // Kept for support only (seed column `callback_data`); never read for money decisions.
      await db.update(payments).set({ callbackData: envelope }).where(eq(payments.id, payment.id));
      await syncPayment(payment);
    } else logger.info({ event: envelope.event }, "phonepe webhook: unknown merchantOrderId ignored");
  }
}
