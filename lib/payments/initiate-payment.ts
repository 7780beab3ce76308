/**
 * POST /api/payments/initiate: a top-up order at PhonePe. KYC-tier caps are checked up front; the
 * payment row (with its merchantOrderId, derived from the row id) commits together with the durable
 * idempotency record, and only then is PhonePe called — so a retry of the same request resumes the
 * same order (same merchantOrderId) and can never open a second one.
 */
import { eq } from "drizzle-orm";
import { payments } from "../../db/schema/payments.js";
import { type AuditRequestInfo, recordAudit } from "../audit/index.js";
import { db, withTransaction } from "../db/index.js";
import { env } from "../env.js";
import { AppError } from "../http/errors.js";
import { withIdempotency } from "../idempotency/with-idempotency.js";
import { assertCanLoad } from "../ledger/index.js";
import { logger } from "../log.js";
import type { Paise } from "../money/index.js";
import { createPayment, PhonePeInvalidRequestError } from "../phonepe/index.js";
import { toInitiateResponse } from "./mappers.js";
import { findPayment } from "./queries.js";
import { markUnpaid } from "./settle-payment.js";

/** Order lifetime at PhonePe (Standard Checkout allows 300–3600 s). */
const EXPIRE_AFTER_S = 900;

export type InitiateInput = {
  userId: number;
  amountPaise: Paise;
  idempotencyKey: string;
  audit: AuditRequestInfo;
  /** The route's money rate limit, sent in the same Redis round trip as the idempotency lookup. */
  rateLimit?: () => Promise<void>;
};

const returnUrl = (merchantOrderId: string) =>
  `${env.PUBLIC_BASE_URL}/api/payments/return?merchantOrderId=${encodeURIComponent(merchantOrderId)}`;

/** The pay response is kept in `gateway_response` for the life of the row (replays rebuild the 201 from it). */
function storedRedirect(gatewayResponse: string | null): string | null {
  try {
    const value = gatewayResponse ? (JSON.parse(gatewayResponse) as { redirectUrl?: unknown }) : null;
    return typeof value?.redirectUrl === "string" ? value.redirectUrl : null;
  } catch {
    return null;
  }
}

const refused = (cause?: unknown) =>
  new AppError("PAYMENT_PROVIDER_ERROR", "PhonePe could not create this payment; start a new top-up.", { cause });

/** Opens (or resumes) the PhonePe order of a payment row and returns the 201 body. */
async function startCheckout(paymentId: number) {
  const payment = await findPayment(db, paymentId);
  if (!payment?.phonepeMerchantTransactionId) throw new AppError("NOT_FOUND", "Payment not found.");
  const known = storedRedirect(payment.gatewayResponse);
  if (known) return toInitiateResponse(payment, known);
  if (payment.status !== "pending") throw refused();
  const merchantOrderId = payment.phonepeMerchantTransactionId;
  try {
    const res = await createPayment({
      merchantOrderId,
      amountPaise: payment.amount,
      expireAfterSeconds: EXPIRE_AFTER_S,
      redirectUrl: returnUrl(merchantOrderId),
      metaInfo: { udf1: `user-${payment.userId}` },
    });
    const expiresAt = new Date(res.expireAt);
    await db
      .update(payments)
      .set({
        phonepeTransactionId: res.orderId,
        gatewayResponse: JSON.stringify(res),
        expiresAt,
        providerState: res.state,
      })
      .where(eq(payments.id, payment.id));
    return toInitiateResponse({ ...payment, expiresAt }, res.redirectUrl);
  } catch (error) {
    if (error instanceof PhonePeInvalidRequestError && !/DUPLICATE/i.test(error.code ?? "")) {
      // Definitive rejection: the order does not exist at PhonePe, so the row can close now, and the
      // answer is the one every retry of this key will get (not "please retry").
      await markUnpaid(payment, "failed", error.code ?? "REJECTED", null);
      throw refused(error);
    }
    // Ambiguous outcomes leave the row pending: the reconciler asks PhonePe and settles it.
    logger.warn({ paymentId, err: error }, "payments: PhonePe pay call failed");
    throw new AppError("PAYMENT_PROVIDER_ERROR", "PhonePe is not reachable right now; please retry.", { cause: error });
  }
}

export async function initiatePayment(input: InitiateInput): Promise<Response> {
  const scope = {
    userId: input.userId,
    key: input.idempotencyKey,
    request: { method: "POST", path: "/api/payments/initiate", body: { amountPaise: input.amountPaise } },
  };
  const reload = (ref: string) => startCheckout(Number(ref.replace(/^payment:/, "")));
  return withIdempotency(
    scope,
    async (claim) => {
      await assertCanLoad(input.userId, input.amountPaise);
      const paymentId = await withTransaction(async ({ tx }) => {
        const now = new Date();
        const [row] = (await tx
          .insert(payments)
          .values({
            userId: input.userId,
            amount: input.amountPaise,
            status: "pending",
            expiresAt: new Date(now.getTime() + EXPIRE_AFTER_S * 1000),
            callbackUrl: `${env.PUBLIC_BASE_URL}/api/webhooks/phonepe`,
            nextCheckAt: new Date(now.getTime() + 20_000),
          })
          .$returningId()) as [{ id: number }];
        const merchantOrderId = `NXP-${row.id}-${now.getTime().toString(36)}`;
        await tx
          .update(payments)
          .set({
            phonepeMerchantTransactionId: merchantOrderId,
            successUrl: returnUrl(merchantOrderId),
            failureUrl: returnUrl(merchantOrderId),
          })
          .where(eq(payments.id, row.id));
        await claim.record(tx, { status: 201, resourceRef: `payment:${row.id}` });
        await recordAudit(tx, {
          actorUserId: input.userId,
          action: "payment.initiated",
          entityType: "payment",
          entityId: row.id,
          after: { status: "pending", amountPaise: input.amountPaise, merchantOrderId },
          ...input.audit,
        });
        return row.id;
      });
      return { status: 201, body: await startCheckout(paymentId) };
    },
    { reload, alongside: input.rateLimit, recordedBeforeDone: true },
  );
}
