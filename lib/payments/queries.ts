/** Row access for payments and refunds. Each takes the db or an open transaction first. */
import { and, asc, eq, inArray, isNull, lte, sql } from "drizzle-orm";
import { type PaymentRefund, paymentRefunds } from "../../db/schema/payment-refunds.js";
import { type Payment, payments } from "../../db/schema/payments.js";
import type { Database } from "../db/index.js";
import { type Paise, paiseFromDecimal } from "../money/index.js";

export async function findPayment(dbx: Database, id: number): Promise<Payment | null> {
  const [row] = await dbx.select().from(payments).where(eq(payments.id, id)).limit(1);
  return row ?? null;
}

export async function findPaymentByMerchantOrderId(dbx: Database, merchantOrderId: string): Promise<Payment | null> {
  const [row] = await dbx
    .select()
    .from(payments)
    .where(eq(payments.phonepeMerchantTransactionId, merchantOrderId))
    .limit(1);
  return row ?? null;
}

export async function findRefund(dbx: Database, id: number): Promise<PaymentRefund | null> {
  const [row] = await dbx.select().from(paymentRefunds).where(eq(paymentRefunds.id, id)).limit(1);
  return row ?? null;
}

export async function findRefundByMerchantRefundId(
  dbx: Database,
  merchantRefundId: string,
): Promise<PaymentRefund | null> {
  const [row] = await dbx
    .select()
    .from(paymentRefunds)
    .where(eq(paymentRefunds.merchantRefundId, merchantRefundId))
    .limit(1);
  return row ?? null;
}

/** Sum of refunds that still count against the captured amount (everything not failed), and how many exist. */
export async function refundUsage(tx: Database, paymentId: number): Promise<{ reservedPaise: Paise; count: number }> {
  const [row] = await tx
    .select({
      reserved: sql<string>`COALESCE(SUM(CASE WHEN ${paymentRefunds.status} <> 'failed' THEN ${paymentRefunds.amount} ELSE 0 END), 0)`,
      count: sql<number>`COUNT(*)`,
    })
    .from(paymentRefunds)
    .where(eq(paymentRefunds.paymentId, paymentId));
  return { reservedPaise: paiseFromDecimal(String(row?.reserved ?? "0")), count: Number(row?.count ?? 0) };
}

/** Ids due for a status check (reconciliation), oldest due first. */
export async function duePaymentIds(dbx: Database, now: Date, limit: number): Promise<number[]> {
  const rows = await dbx
    .select({ id: payments.id })
    .from(payments)
    .where(lte(payments.nextCheckAt, now))
    .orderBy(asc(payments.nextCheckAt))
    .limit(limit);
  return rows.map((r) => r.id);
}

export async function dueRefundIds(dbx: Database, now: Date, limit: number): Promise<number[]> {
  const rows = await dbx
    .select({ id: paymentRefunds.id })
    .from(paymentRefunds)
    .where(and(lte(paymentRefunds.nextCheckAt, now), inArray(paymentRefunds.status, [...OPEN_REFUND_STATUSES])))
    .orderBy(asc(paymentRefunds.nextCheckAt))
    .limit(limit);
  return rows.map((r) => r.id);
}

/**
 * Pushes a still-due check to `until` (after a sync that threw): conditional on it being due, so a
 * schedule the failed sync already moved forward is kept.
 */
export async function deferDueCheck(dbx: Database, what: "payment" | "refund", id: number, now: Date, until: Date) {
  const table = what === "payment" ? payments : paymentRefunds;
  await dbx
    .update(table)
    .set({ nextCheckAt: until })
    .where(and(eq(table.id, id), lte(table.nextCheckAt, now)));
}

/** Refund statuses PhonePe may still move (everything but completed and failed). */
export const OPEN_REFUND_STATUSES = ["pending", "confirmed"] as const;

export const isRefundOpen = (r: Pick<PaymentRefund, "status">) => r.status === "pending" || r.status === "confirmed";

/** Statuses from which a confirmed-paid order may still be credited (late success included). */
const CREDITABLE = ["pending", "failed", "expired"] as const;

/** WHERE clause: this payment, not yet credited, not flagged for a person. */
export const creditableWhere = (id: number) =>
  and(
    eq(payments.id, id),
    inArray(payments.status, [...CREDITABLE]),
    isNull(payments.flagReason),
    isNull(payments.transactionId),
  );
