/**
 * `system_ledger_entries`: append-only legs on system accounts (PhonePe clearing, fee income …).
 * System accounts have no balance row on purpose: a balance is SUM(credit − debit) over this table, so
 * no posting ever locks a shared hot row (Formance's unbounded `@world`). Never updated or deleted.
 */
import { index, int, mysqlEnum, mysqlTable } from "drizzle-orm/mysql-core";
import { createdAt, paiseDecimal, ZERO_DECIMAL } from "./columns.js";

export const SYSTEM_ACCOUNT_CODES = [
  "phonepe_clearing",
  "payout_clearing",
  "provider_float",
  "commission_expense",
  "fee_income",
  "tds_payable",
  "adjustments",
] as const;
export type SystemAccountCode = (typeof SYSTEM_ACCOUNT_CODES)[number];

export const systemLedgerEntries = mysqlTable(
  "system_ledger_entries",
  {
    id: int("id").autoincrement().primaryKey(),
    postingId: int("posting_id").notNull(),
    account: mysqlEnum("account", SYSTEM_ACCOUNT_CODES).notNull(),
    debitAmount: paiseDecimal("debit_amount", { precision: 15 }).notNull().default(ZERO_DECIMAL),
    creditAmount: paiseDecimal("credit_amount", { precision: 15 }).notNull().default(ZERO_DECIMAL),
    createdAt: createdAt(),
  },
  (t) => [index("idx_sle_posting").on(t.postingId), index("idx_sle_account").on(t.account, t.id)],
);
