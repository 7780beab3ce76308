/**
 * `wallet_limit_usage`: per-wallet counters for the limit windows (IST day, IST calendar month, Indian
 * financial year), updated in the same transaction as the posting while the wallet row is locked, so a
 * limit check is one primary-key read instead of a SUM over ledger lines.
 */
import { date, int, mysqlEnum, mysqlTable, primaryKey } from "drizzle-orm/mysql-core";
import { paiseDecimal, ZERO_DECIMAL } from "./columns.js";

export const LIMIT_PERIODS = ["day", "month", "fy"] as const;
export type LimitPeriod = (typeof LIMIT_PERIODS)[number];

export const walletLimitUsage = mysqlTable(
  "wallet_limit_usage",
  {
    userId: int("user_id").notNull(),
    period: mysqlEnum("period", LIMIT_PERIODS).notNull(),
    /** First IST calendar day of the window. */
    periodStart: date("period_start", { mode: "string" }).notNull(),
    debitAmount: paiseDecimal("debit_amount", { precision: 15 }).notNull().default(ZERO_DECIMAL),
    creditAmount: paiseDecimal("credit_amount", { precision: 15 }).notNull().default(ZERO_DECIMAL),
    /** P2P sent to non-registered payees. */
    p2pOutAmount: paiseDecimal("p2p_out_amount", { precision: 15 }).notNull().default(ZERO_DECIMAL),
  },
  (t) => [primaryKey({ name: "pk_wallet_limit_usage", columns: [t.userId, t.period, t.periodStart] })],
);
