/**
 * Non-credit transitions of a payment, each a conditional UPDATE plus its audit row in one short
 * transaction (no PhonePe call inside). A transition that finds the row already moved is a no-op.
 */
import { and, eq, sql } from "drizzle-orm";
import { type Payment, payments } from "../../db/schema/payments.js";
import { recordAudit } from "../audit/index.js";
import { affectedRows, db, withTransaction } from "../db/index.js";
import { logger } from "../log.js";
import type { OrderStatus } from "../phonepe/index.js";
import { creditableWhere } from "./queries.js";

/** pending → failed | expired (PhonePe says not paid). `nextCheckAt` keeps a slow late-success watch. */
export async function markUnpaid(
  payment: Payment,
  to: "failed" | "expired",
  providerState: string,
  nextCheckAt: Date | null,
  now = new Date(),
): Promise<boolean> {
  return withTransaction(async ({ tx }) => {
    const res = await tx
      .update(payments)
      .set({ status: to, providerState: providerState.slice(0, 32), nextCheckAt, lastCheckedAt: now })
      .where(and(eq(payments.id, payment.id), eq(payments.status, "pending")));
    if (affectedRows(res) !== 1) return false;
    await recordAudit(tx, {
      actorUserId: null,
      action: `payment.${to}`,
      entityType: "payment",
      entityId: payment.id,
      before: { status: payment.status },
      after: { status: to, providerState },
    });
    return true;
  });
}

/**
 * COMPLETED for a different amount than we initiated: never credited, flagged for a person
 * (status failed + flag_reason, audit row, error log). The flag blocks every later credit attempt.
 */
export async function flagAmountMismatch(payment: Payment, status: OrderStatus, now = new Date()): Promise<boolean> {
  const flagged = await withTransaction(async ({ tx }) => {
    const res = await tx
      .update(payments)
      .set({
        status: "failed",
        flagReason: "amount_mismatch",
        providerState: status.state.slice(0, 32),
        nextCheckAt: null,
        lastCheckedAt: now,
      })
      .where(creditableWhere(payment.id));
    if (affectedRows(res) !== 1) return false;
    await recordAudit(tx, {
      actorUserId: null,
      action: "payment.amount_mismatch",
      entityType: "payment",
      entityId: payment.id,
      before: { status: payment.status, amountPaise: payment.amount },
      after: { status: "failed", flagReason: "amount_mismatch", providerAmountPaise: status.amount },
    });
    return true;
  });
  if (flagged) {
    logger.error(
      { paymentId: payment.id, expectedPaise: payment.amount, providerPaise: status.amount },
      "payments: PhonePe reports COMPLETED for a different amount; not credited, flagged",
    );
  }
  return flagged;
}

/** Records that a check happened and when the next one is due (no state change, no audit). */
export async function touchSchedule(
  paymentId: number,
  nextCheckAt: Date | null,
  now = new Date(),
  providerState?: string,
) {
  await db
    .update(payments)
    .set({
      nextCheckAt,
      lastCheckedAt: now,
      checkCount: sql`${payments.checkCount} + 1`,
      ...(providerState ? { providerState: providerState.slice(0, 32) } : {}),
    })
    .where(eq(payments.id, paymentId));
}
