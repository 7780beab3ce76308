/** `payments`: PhonePe top-up orders (seed 001 "PAYMENTS Table (PhonePe Integration)"). */

import { sql } from "drizzle-orm";
import { foreignKey, index, int, json, mysqlEnum, mysqlTable, text, timestamp, varchar } from "drizzle-orm/mysql-core";
import { lifecycleDates, paiseDecimal, ZERO_DECIMAL } from "./columns.js";
import { transactions } from "./transactions.js";
import { users } from "./users.js";

export const PAYMENT_STATUSES = ["pending", "success", "failed", "cancelled", "expired"] as const;
export const PAYMENT_METHODS = ["upi", "card", "netbanking", "wallet"] as const;

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
    paymentMethod: mysqlEnum("payment_method", PAYMENT_METHODS).notNull(),
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
    ...lifecycleDates(),
  },
  (t) => [
    index("idx_user_payment").on(t.userId, t.status),
    index("idx_phonepe_trans").on(t.phonepeTransactionId),
    index("idx_merchant_trans").on(t.phonepeMerchantTransactionId),
    index("idx_status_date").on(t.status, t.createdAt),
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
