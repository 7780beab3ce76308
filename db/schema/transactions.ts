/**
 * `transactions`: the per-wallet ledger lines (seed 001 "TRANSACTIONS Table (Significantly Enhanced)").
 * For every wallet: closing = opening − debit + credit, each line's opening equals the previous line's
 * closing, and the last closing equals `users.wallet_balance`. Only `lib/ledger` inserts rows.
 */
import {
  char,
  date,
  foreignKey,
  index,
  int,
  mysqlEnum,
  mysqlTable,
  text,
  timestamp,
  uniqueIndex,
  varchar,
} from "drizzle-orm/mysql-core";
import { lifecycleDates, paiseDecimal, ZERO_DECIMAL } from "./columns.js";
import { users } from "./users.js";

export const TRANSACTION_TYPES = [
  "deposit",
  "withdrawal",
  "transfer",
  "recharge",
  "bill_payment",
  "commission",
  "refund",
] as const;
export const TRANSACTION_STATUSES = ["pending", "completed", "failed", "cancelled", "refunded"] as const;
export const LEDGER_TYPES = ["TopIn", "Transfer", "Recharge", "Bill", "Commission", "Refund"] as const;
export const TRANSACTION_PAYMENT_METHODS = ["wallet", "phonepe", "upi", "netbanking", "card"] as const;

export const transactions = mysqlTable(
  "transactions",
  {
    id: int("id").autoincrement().primaryKey(),
    userId: int("user_id").notNull(),
    fromAccountId: int("from_account_id"),
    toAccountId: int("to_account_id"),
    recipientId: int("recipient_id"),
    transactionType: mysqlEnum("transaction_type", TRANSACTION_TYPES).notNull(),
    /** The line's absolute amount (debit or credit), in paise on the TypeScript side. */
    amount: paiseDecimal("amount", { precision: 15 }).notNull(),
    feeAmount: paiseDecimal("fee_amount", { precision: 10 }).default(ZERO_DECIMAL),
    currency: varchar("currency", { length: 3 }).default("INR"),
    description: text("description"),
    referenceNumber: varchar("reference_number", { length: 255 }).unique(),
    bankReference: varchar("bank_reference", { length: 255 }),
    utrNumber: varchar("utr_number", { length: 255 }),
    paymentMethod: mysqlEnum("payment_method", TRANSACTION_PAYMENT_METHODS).default("wallet"),
    status: mysqlEnum("status", TRANSACTION_STATUSES).default("pending"),
    failureReason: text("failure_reason"),
    processedAt: timestamp("processed_at"),
    beneficiaryName: varchar("beneficiary_name", { length: 255 }),
    beneficiaryAccount: varchar("beneficiary_account", { length: 100 }),
    beneficiaryIfsc: varchar("beneficiary_ifsc", { length: 11 }),
    beneficiaryBank: varchar("beneficiary_bank", { length: 255 }),
    openingBalance: paiseDecimal("opening_balance", { precision: 15 }),
    closingBalance: paiseDecimal("closing_balance", { precision: 15 }),
    /** Calendar date in IST (Asia/Kolkata), as statements and limits count days. */
    ledgerDate: date("ledger_date", { mode: "string" }),
    userCode: varchar("user_code", { length: 50 }),
    ledgerType: mysqlEnum("ledger_type", LEDGER_TYPES).default("TopIn"),
    remarks: text("remarks"),
    debitAmount: paiseDecimal("debit_amount", { precision: 15 }).default(ZERO_DECIMAL),
    creditAmount: paiseDecimal("credit_amount", { precision: 15 }).default(ZERO_DECIMAL),
    ipAddress: varchar("ip_address", { length: 45 }),
    deviceInfo: text("device_info"),
    location: varchar("location", { length: 255 }),
    /** The posting this line belongs to (`postings.id`); every ledger line has one. */
    postingId: int("posting_id"),
    /** Gap-free per-wallet sequence (1, 2, …); the last one equals `users.wallet_seq`. */
    walletSeq: int("wallet_seq"),
    /** KYC-tier balance cap in force when a credit line was posted with limits enforced (else NULL). */
    balanceCap: paiseDecimal("balance_cap", { precision: 15 }),
    /**
     * Hex SHA-256 over the wallet's previous line's hash and this line's fields (lib/ledger/line-hash.ts):
     * a per-wallet hash chain. NULL only on lines written before migration 0009.
     */
    entryHash: char("entry_hash", { length: 64 }),
    ...lifecycleDates(),
  },
  (t) => [
    index("idx_user_date").on(t.userId, t.createdAt),
    index("idx_reference").on(t.referenceNumber),
    index("idx_status").on(t.status),
    index("idx_transaction_type").on(t.transactionType),
    index("idx_ledger_date").on(t.ledgerDate),
    index("idx_user_code").on(t.userCode),
    index("idx_ledger_type").on(t.ledgerType),
    index("idx_amount").on(t.amount),
    index("idx_payment_method").on(t.paymentMethod),
    index("idx_transactions_status_type").on(t.status, t.transactionType),
    index("idx_transactions_amount_range").on(t.amount, t.createdAt),
    uniqueIndex("uq_transactions_user_seq").on(t.userId, t.walletSeq),
    index("idx_transactions_posting").on(t.postingId),
    foreignKey({ name: "fk_transactions_user", columns: [t.userId], foreignColumns: [users.id] }).onDelete("cascade"),
    foreignKey({ name: "fk_transactions_recipient", columns: [t.recipientId], foreignColumns: [users.id] }).onDelete(
      "set null",
    ),
    foreignKey({
      name: "fk_transactions_from_account",
      columns: [t.fromAccountId],
      foreignColumns: [users.id],
    }).onDelete("set null"),
    foreignKey({ name: "fk_transactions_to_account", columns: [t.toAccountId], foreignColumns: [users.id] }).onDelete(
      "set null",
    ),
  ],
);

export type Transaction = typeof transactions.$inferSelect;
export type NewTransaction = typeof transactions.$inferInsert;
