/** GET /api/payments/[id]: the caller's own payment (another user's → 404); a stale pending one is checked with PhonePe first. */
import { db } from "../db/index.js";
import { AppError } from "../http/errors.js";
import { toPaymentResponse } from "./mappers.js";
import { findPayment } from "./queries.js";
import { syncIfStale } from "./sync-payment.js";

/** A pending payment not checked for this long is asked about again when its owner looks at it. */
const STALE_MS = 5_000;

export async function getPayment(userId: number, paymentId: number, now = new Date()) {
  const payment = await findPayment(db, paymentId);
  if (!payment || payment.userId !== userId) throw new AppError("NOT_FOUND", "Payment not found.");
  return toPaymentResponse(await syncIfStale(payment, STALE_MS, now));
}
