/**
 * GET /api/payments/return: where PhonePe sends the browser after checkout (success or failure). The
 * redirect itself proves nothing (phonepe.md §7.3): a pending payment is checked with the status API,
 * then the browser goes to the frontend's result page.
 */
import { db } from "../db/index.js";
import { env } from "../env.js";
import { AppError } from "../http/errors.js";
import { publicStatus } from "./mappers.js";
import { findPaymentByMerchantOrderId } from "./queries.js";
import { syncIfStale } from "./sync-payment.js";

const RECHECK_MS = 2_000;

/** Returns the frontend URL to redirect to. */
export async function handleReturn(merchantOrderId: string): Promise<string> {
  const found = await findPaymentByMerchantOrderId(db, merchantOrderId);
  if (!found) throw new AppError("NOT_FOUND", "Payment not found.");
  // Public URL: ask PhonePe at most once per couple of seconds per payment, however often it is hit.
  const payment = await syncIfStale(found, RECHECK_MS);
  const url = new URL("/payments/result", env.FRONTEND_URL);
  url.searchParams.set("paymentId", String(payment.id));
  url.searchParams.set("status", publicStatus(payment));
  return url.toString();
}
