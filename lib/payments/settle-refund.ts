/**
 * Final states of a refund. Completed: an admin refund captures its wallet hold in ONE ledger posting
 * whose first statement is the conditional refund update (exactly once); an automatic refund (never
 * credited) just closes. Failed: the hold is voided (idempotent) and the row closed. Audited.
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import { type PaymentRefund, paymentRefunds } from "../../db/schema/payment-refunds.js";
import { payments } from "../../db/schema/payments.js";
import { recordAudit } from "../audit/index.js";
import { affectedRows, type Database, db, isDuplicateKey, withTransaction } from "../db/index.js";
import { isAppError } from "../http/errors.js";
import { captureHold, post, voidHold } from "../ledger/index.js";
import { logger } from "../log.js";
import { decimalFromPaise } from "../money/index.js";
import { findRefund, isRefundOpen, OPEN_REFUND_STATUSES } from "./queries.js";

class AlreadySettled extends Error {}
/** Another settle got there first: by the row's conditional update, or by the posting's unique reference. */
const isAlreadySettled = (error: unknown) => error instanceof AlreadySettled || isDuplicateKey(error);
const ignoreAlreadySettled = (error: unknown) => {
  if (!isAlreadySettled(error)) throw error;
};

/** The ledger hold an admin refund reserves its wallet debit under: one per refund, found by this. */
export const refundHoldReference = (merchantRefundId: string) => `refund:${merchantRefundId}`;

async function closeRow(
  tx: Database,
  refundId: number,
  to: "completed" | "failed",
  errorCode: string | null,
  now: Date,
) {
  const res = await tx
    .update(paymentRefunds)
    .set({ status: to, errorCode, completedAt: to === "completed" ? now : null, nextCheckAt: null, lastCheckedAt: now })
    .where(and(eq(paymentRefunds.id, refundId), inArray(paymentRefunds.status, [...OPEN_REFUND_STATUSES])));
  return affectedRows(res) === 1;
}

async function onCompleted(tx: Database, refund: PaymentRefund, now: Date, errorCode: string | null = null) {
  if (!(await closeRow(tx, refund.id, "completed", errorCode, now))) throw new AlreadySettled();
  // The seed's columns are DECIMAL rupees. The parameter is cast: a string added to a DECIMAL is
  // computed as a DOUBLE, and 10.10 + 0.20 would then fall short of 10.30.
  const rupees = sql`CAST(${decimalFromPaise(refund.amount)} AS DECIMAL(15,2))`;
  // Full refund → status refunded; the seed's refund_amount accumulates completed refunds.
  await tx
    .update(payments)
    .set({
      refundAmount: sql`COALESCE(${payments.refundAmount}, 0) + ${rupees}`,
      refundReason: refund.reason,
      refundedAt: now,
      status: sql`CASE WHEN COALESCE(${payments.refundAmount}, 0) + ${rupees} >= ${payments.amount} THEN 'refunded' ELSE ${payments.status} END`,
    })
    .where(eq(payments.id, refund.paymentId));
  await recordAudit(tx, {
    actorUserId: null,
    action: "refund.completed",
    entityType: "payment",
    entityId: refund.paymentId,
    after: { merchantRefundId: refund.merchantRefundId, amountPaise: refund.amount, kind: refund.kind, errorCode },
  });
}

/** The wallet debit of a completed admin refund: one posting per refund (its reference is unique). */
const refundDebit = (refund: PaymentRefund) => ({
  reference: `phonepe-refund:${refund.merchantRefundId}`,
  walletLegs: [
    {
      userId: refund.userId,
      direction: "debit" as const,
      amountPaise: refund.amount,
      transactionType: "refund" as const,
      ledgerType: "Refund" as const,
      paymentMethod: "phonepe" as const,
      description: "Refund of a PhonePe top-up",
      remarks: refund.merchantRefundId,
    },
  ],
  systemLegs: [{ account: "phonepe_clearing" as const, direction: "credit" as const, amountPaise: refund.amount }],
  enforceLimits: false,
});

/**
 * PhonePe completed a refund whose hold had lapsed (expired after its 30 days, or voided by a crash
 * between a failure verdict and closing the row) and whose money was released to the customer: PhonePe
 * has paid them, so the wallet is debited now, directly. If they have spent it, the row is closed as
 * completed with WALLET_SHORTFALL — the payout happened — and a person recovers the amount.
 */
async function debitWithoutHold(refund: PaymentRefund, now: Date) {
  try {
    await post({ ...refundDebit(refund), kind: "refund", beforeLocks: (tx) => onCompleted(tx, refund, now) });
  } catch (error) {
    if (!isAppError(error) || error.code !== "INSUFFICIENT_FUNDS") throw error;
    await withTransaction(async ({ tx }) => {
      await onCompleted(tx, refund, now, "WALLET_SHORTFALL");
      await recordAudit(tx, {
        actorUserId: null,
        action: "refund.wallet_shortfall",
        entityType: "user",
        entityId: refund.userId,
        after: { merchantRefundId: refund.merchantRefundId, amountPaise: refund.amount },
      });
    });
    logger.error(
      { refundId: refund.id, userId: refund.userId, amountPaise: refund.amount },
      "payments: refund paid out after its hold lapsed and the wallet no longer holds the money; recover it",
    );
  }
}

/** pending → confirmed (PhonePe accepted it). Conditional, so it can never undo a final state. */
export async function markRefundConfirmed(refund: PaymentRefund, now = new Date()): Promise<void> {
  await withTransaction(async ({ tx }) => {
    const res = await tx
      .update(paymentRefunds)
      .set({ status: "confirmed", lastCheckedAt: now })
      .where(and(eq(paymentRefunds.id, refund.id), eq(paymentRefunds.status, "pending")));
    if (affectedRows(res) !== 1) return;
    await recordAudit(tx, {
      actorUserId: null,
      action: "refund.confirmed",
      entityType: "payment",
      entityId: refund.paymentId,
      before: { status: "pending" },
      after: { merchantRefundId: refund.merchantRefundId, status: "confirmed" },
    });
  });
}

export async function settleRefund(
  refundId: number,
  outcome: "completed" | "failed",
  errorCode?: string,
  now = new Date(),
) {
  const refund = await findRefund(db, refundId);
  if (!refund || !isRefundOpen(refund)) return;
  if (outcome === "completed") {
    try {
      if (refund.kind === "admin" && refund.holdId !== null) {
        await captureHold({
          holdId: refund.holdId,
          amountPaise: refund.amount,
          posting: { ...refundDebit(refund), beforeLocks: (tx) => onCompleted(tx, refund, now) },
          // PhonePe has paid it: a hold past its expiry but not yet swept still holds the money, and is
          // captured, so the money is never free between a release and a debit.
          evenIfExpired: true,
        });
      } else {
        await withTransaction(({ tx }) => onCompleted(tx, refund, now));
      }
    } catch (error) {
      if (isAlreadySettled(error)) return;
      if (isAppError(error) && error.code === "CONFLICT" && refund.holdId !== null) {
        // Captured by a concurrent settle (voiding it is then a CONFLICT too: done), or swept after its
        // expiry or voided: its money is available again, so the debit is taken directly.
        const lapsed = await voidHold({ holdId: refund.holdId, reason: "refund completed after the hold lapsed" }).then(
          () => true,
          (e: unknown) => (isAppError(e) && e.code === "CONFLICT" ? false : Promise.reject(e)),
        );
        if (lapsed) await debitWithoutHold(refund, now).catch(ignoreAlreadySettled);
        return;
      }
      throw error;
    }
    return;
  }
  // Failed: release the money first (idempotent), then close; a crash in between is retried by the reconciler.
  if (refund.holdId !== null)
    await voidHold({ holdId: refund.holdId, reason: `refund failed: ${errorCode ?? "FAILED"}` });
  await withTransaction(async ({ tx }) => {
    if (!(await closeRow(tx, refund.id, "failed", (errorCode ?? "FAILED").slice(0, 64), now))) return;
    await recordAudit(tx, {
      actorUserId: null,
      action: "refund.failed",
      entityType: "payment",
      entityId: refund.paymentId,
      after: { merchantRefundId: refund.merchantRefundId, amountPaise: refund.amount, errorCode },
    });
  });
  if (refund.kind === "auto_cap") {
    logger.error(
      { refundId: refund.id, paymentId: refund.paymentId },
      "payments: automatic refund failed; customer money held at PhonePe",
    );
  }
}
