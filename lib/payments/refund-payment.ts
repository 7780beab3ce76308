/**
 * POST /api/admin/payments/[id]/refund: a full or partial refund of a paid top-up.
 *
 * 1. One transaction locks the payment row, checks `amount ≤ captured − (refunds not failed)` and
 *    inserts the refund row: concurrent refunds serialize on that lock, so together they can never
 *    exceed the captured amount.
 * 2. The wallet debit is reserved with a ledger HOLD (fails with INSUFFICIENT_FUNDS → the refund row
 *    is closed as failed and the rejection is final for the key).
 * 3. The hold id and the durable idempotency record commit together; then PhonePe is called (no lock).
 * The hold is captured when PhonePe reports COMPLETED and voided when it reports FAILED.
 */
import { eq } from "drizzle-orm";
import { paymentRefunds } from "../../db/schema/payment-refunds.js";
import { payments } from "../../db/schema/payments.js";
import { type AuditRequestInfo, recordAudit } from "../audit/index.js";
import { db, withTransaction } from "../db/index.js";
import { AppError, isAppError } from "../http/errors.js";
import { type IdempotencyClaim, withIdempotency } from "../idempotency/with-idempotency.js";
import { createHold, voidHold, voidHoldByReference } from "../ledger/index.js";
import { type Paise, subPaise } from "../money/index.js";
import { toRefundResponse } from "./mappers.js";
import { findRefund, refundUsage } from "./queries.js";
import { sendRefund } from "./send-refund.js";
import { refundHoldReference, settleRefund } from "./settle-refund.js";

const HOLD_TTL_MS = 30 * 24 * 60 * 60 * 1000;

export type RefundInput = {
  adminId: number;
  paymentId: number;
  amountPaise: Paise;
  reason: string;
  idempotencyKey: string;
  audit: AuditRequestInfo;
  /** The route's money rate limit, sent in the same Redis round trip as the idempotency lookup. */
  rateLimit?: () => Promise<void>;
};

type Reserved = { refundId: number; userId: number; merchantRefundId: string };

async function reserve(input: RefundInput): Promise<Reserved> {
  return withTransaction(async ({ tx }) => {
    const [p] = await tx.select().from(payments).where(eq(payments.id, input.paymentId)).for("update");
    if (!p) throw new AppError("NOT_FOUND", "Payment not found.");
    if (p.status !== "success" || p.transactionId === null || !p.phonepeMerchantTransactionId) {
      throw new AppError("CONFLICT", "Only a paid, credited payment can be refunded.");
    }
    const { reservedPaise, count } = await refundUsage(tx, p.id);
    const refundable = subPaise(p.amount, reservedPaise);
    if (input.amountPaise > refundable) {
      throw new AppError("CONFLICT", `At most ${refundable} paise of this payment can still be refunded.`);
    }
    const merchantRefundId = `NXR-${p.id}-${count + 1}`;
    const [row] = (await tx
      .insert(paymentRefunds)
      .values({
        paymentId: p.id,
        userId: p.userId,
        merchantRefundId,
        amount: input.amountPaise,
        kind: "admin",
        reason: input.reason,
        requestedBy: input.adminId,
        nextCheckAt: new Date(Date.now() + 20_000),
      })
      .$returningId()) as [{ id: number }];
    return { refundId: row.id, userId: p.userId, merchantRefundId };
  });
}

/** Links the hold to the refund row and makes the request durable (idempotency record + audit) at once. */
async function commitHold(r: Reserved, holdId: number, claim: IdempotencyClaim, input: RefundInput) {
  await withTransaction(async ({ tx }) => {
    await tx.update(paymentRefunds).set({ holdId }).where(eq(paymentRefunds.id, r.refundId));
    await claim.record(tx, { status: 202, resourceRef: `refund:${r.refundId}` });
    await recordAudit(tx, {
      actorUserId: input.adminId,
      action: "refund.requested",
      entityType: "payment",
      entityId: input.paymentId,
      after: { merchantRefundId: r.merchantRefundId, amountPaise: input.amountPaise, reason: input.reason, holdId },
      ...input.audit,
    });
  });
}

export async function refundPayment(input: RefundInput): Promise<Response> {
  const scope = {
    userId: input.adminId,
    key: input.idempotencyKey,
    request: {
      method: "POST",
      path: `/api/admin/payments/${input.paymentId}/refund`,
      body: { amountPaise: input.amountPaise, reason: input.reason },
    },
  };
  const reload = async (ref: string) => {
    const refund = await findRefund(db, Number(ref.replace(/^refund:/, "")));
    if (!refund) throw new AppError("NOT_FOUND", "Refund not found.");
    return toRefundResponse(refund);
  };
  return withIdempotency(
    scope,
    async (claim) => {
      const r = await reserve(input);
      let holdId: number;
      try {
        const hold = await createHold({
          userId: r.userId,
          amountPaise: input.amountPaise,
          reference: refundHoldReference(r.merchantRefundId),
          expiresAt: new Date(Date.now() + HOLD_TTL_MS),
          reason: `PhonePe refund ${r.merchantRefundId}`,
          // Money going back to where it came from, at an operator's request, is not the customer's
          // spending: their daily/monthly debit limits must not block it (a ₹30,000 top-up could not
          // be refunded under a ₹25,000 daily limit). The amount is bounded by the paid top-up.
          enforceLimits: false,
        });
        holdId = hold.id;
      } catch (error) {
        // The hold may have committed with its answer lost (a connection dropped at COMMIT): release it
        // by its reference before closing the row, as the reconciler only sweeps orphans of open rows.
        await voidHoldByReference({
          reference: refundHoldReference(r.merchantRefundId),
          reason: "refund hold not confirmed",
        });
        await settleRefund(r.refundId, "failed", isAppError(error) ? error.code : "HOLD_FAILED");
        throw error;
      }
      try {
        await commitHold(r, holdId, claim, input);
      } catch (error) {
        // E.g. the same key committed concurrently: release our hold and close our row, leave no debit.
        await voidHold({ holdId, reason: "refund request not recorded" });
        await settleRefund(r.refundId, "failed", "NOT_RECORDED");
        throw error;
      }
      await sendRefund(r.refundId);
      const refund = await findRefund(db, r.refundId);
      if (!refund) throw new AppError("NOT_FOUND", "Refund not found.");
      return { status: 202, body: toRefundResponse(refund) };
    },
    { reload, alongside: input.rateLimit, recordFirst: true, recordedBeforeDone: true },
  );
}
