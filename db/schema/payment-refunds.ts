/**
 * `payment_refunds`: refunds of PhonePe top-ups (admin refunds and automatic refunds of orders that
 * could not be credited). One row per `merchantRefundId`; the wallet side is a ledger hold.
 */
import { foreignKey, index, int, mysqlEnum, mysqlTable, text, timestamp, varchar } from "drizzle-orm/mysql-core";
import { lifecycleDates, paiseDecimal } from "./columns.js";
import { payments } from "./payments.js";
import { users } from "./users.js";

export const REFUND_STATUSES = ["pending", "confirmed", "completed", "failed"] as const;
/** `admin`: debits the wallet through a hold; `auto_cap`: the order was never credited (KYC cap), no hold. */
export const REFUND_KINDS = ["admin", "auto_cap"] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];

export const paymentRefunds = mysqlTable(
  "payment_refunds",
  {
    id: int("id").autoincrement().primaryKey(),
    paymentId: int("payment_id").notNull(),
    userId: int("user_id").notNull(),
    merchantRefundId: varchar("merchant_refund_id", { length: 63 }).notNull().unique(),
    phonepeRefundId: varchar("phonepe_refund_id", { length: 255 }),
    amount: paiseDecimal("amount", { precision: 15 }).notNull(),
    status: mysqlEnum("status", REFUND_STATUSES).notNull().default("pending"),
    kind: mysqlEnum("kind", REFUND_KINDS).notNull(),
    reason: text("reason"),
    /** The ledger hold that reserves the wallet debit (admin refunds only). */
    holdId: int("hold_id"),
    requestedBy: int("requested_by"),
    /** True once PhonePe acknowledged the refund request (a timed-out request is re-sent with the same id). */
    providerAccepted: int("provider_accepted").notNull().default(0),
    errorCode: varchar("error_code", { length: 64 }),
    nextCheckAt: timestamp("next_check_at"),
    lastCheckedAt: timestamp("last_checked_at"),
    checkCount: int("check_count").notNull().default(0),
    completedAt: timestamp("completed_at"),
    ...lifecycleDates(),
  },
  (t) => [
    index("idx_refund_payment").on(t.paymentId, t.status),
    index("idx_refund_next_check").on(t.nextCheckAt),
    foreignKey({ name: "fk_refunds_payment", columns: [t.paymentId], foreignColumns: [payments.id] }).onDelete(
      "cascade",
    ),
    foreignKey({ name: "fk_refunds_user", columns: [t.userId], foreignColumns: [users.id] }).onDelete("cascade"),
  ],
);

export type PaymentRefund = typeof paymentRefunds.$inferSelect;
