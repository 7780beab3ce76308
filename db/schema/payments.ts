/** `payments`: PhonePe top-up orders (seed 001 "PAYMENTS Table (PhonePe Integration)"). */

import { sql } from "drizzle-orm";
import { foreignKey, index, int, json, mysqlEnum, mysqlTable, text, timestamp, varchar } from "drizzle-orm/mysql-core";
import { lifecycleDates, paiseDecimal, ZERO_DECIMAL } from "./columns.js";
import { transactions } from "./transactions.js";
import { users } from "./users.js";

/** `refunded` is added to the seed's list (expand, don't break): a paid order refunded in full. */
export const PAYMENT_STATUSES = ["pending", "success", "failed", "cancelled", "expired", "refunded"] as const;
export const PAYMENT_METHODS = ["upi", "card", "netbanking", "wallet"] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export const payments = mysqlTable(
  "payments",
  {
    id: int("id").autoincrement().primaryKey(),
    userId: int("user_id").notNull(),
    /** The ledger line that credited the wallet, once the order is confirmed paid. */
    transactionId: int("transaction_id"),
    /** PhonePe's own order id (`OMO…`). */
    phonepeTransactionId: varchar("phonepe_transaction_id", { length: 255 }).unique(),
    /** Our `merchantOrderId`, the idempotency key of the order at PhonePe. */
    phonepeMerchantTransactionId: varchar("phonepe_merchant_transaction_id", { length: 255 }).unique(),
    amount: paiseDecimal("amount", { precision: 15 }).notNull(),
    currency: varchar("currency", { length: 3 }).default("INR"),
    status: mysqlEnum("status", PAYMENT_STATUSES).default("pending"),
    /** Nullable (relaxed from the seed): the method is only known once PhonePe reports the attempt. */
    paymentMethod: mysqlEnum("payment_method", PAYMENT_METHODS),
    gatewayResponse: text("gateway_response"),
    callbackData: json("callback_data"),
    successUrl: varchar("success_url", { length: 500 }),
    failureUrl: varchar("failure_url", { length: 500 }),
    callbackUrl: varchar("callback_url", { length: 500 }),
    refundAmount: paiseDecimal("refund_amount", { precision: 15 }).default(ZERO_DECIMAL),
    refundReason: text("refund_reason"),
    refundedAt: timestamp("refunded_at"),
    initiatedAt: timestamp("initiated_at").default(sql`CURRENT_TIMESTAMP`),
    completedAt: timestamp("completed_at"),
    expiresAt: timestamp("expires_at"),
    /** Last order state PhonePe's status API reported (kept as a string: new states appear). */
    providerState: varchar("provider_state", { length: 32 }),
    /** Set when the order needs a person: `amount_mismatch`, `cap_exceeded_refunded`. Never credited while set. */
    flagReason: varchar("flag_reason", { length: 64 }),
    /** Reconciliation schedule (phonepe.md §1.10); NULL once nothing is left to check. */
    nextCheckAt: timestamp("next_check_at"),
    lastCheckedAt: timestamp("last_checked_at"),
    checkCount: int("check_count").notNull().default(0),
    ...lifecycleDates(),
  },
  (t) => [
    index("idx_user_payment").on(t.userId, t.status),
    index("idx_phonepe_trans").on(t.phonepeTransactionId),
    index("idx_merchant_trans").on(t.phonepeMerchantTransactionId),
    index("idx_status_date").on(t.status, t.createdAt),
    index("idx_payment_next_check").on(t.nextCheckAt),
    foreignKey({ name: "fk_payments_user", columns: [t.userId], foreignColumns: [users.id] }).onDelete("cascade"),
    foreignKey({
      name: "fk_payments_transaction",
      columns: [t.transactionId],
      foreignColumns: [transactions.id],
    }).onDelete("set null"),
  ],
);

export type Payment = typeof payments.$inferSelect;
export type NewPayment = typeof payments.$inferInsert;
