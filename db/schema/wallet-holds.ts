/**
 * `wallet_holds`: reserved (pending-debit) amounts for provider-asynchronous flows. An `active` hold is
 * counted in `users.held_balance`; it resolves exactly once to `captured`, `voided` or `expired`.
 * Expiry is compared with database time.
 */
import { boolean, foreignKey, index, int, mysqlEnum, mysqlTable, timestamp, varchar } from "drizzle-orm/mysql-core";
import { lifecycleDates, paiseDecimal, ZERO_DECIMAL } from "./columns.js";
import { users } from "./users.js";

export const HOLD_STATUSES = ["active", "captured", "voided", "expired"] as const;
export type HoldStatus = (typeof HOLD_STATUSES)[number];

export const walletHolds = mysqlTable(
  "wallet_holds",
  {
    id: int("id").autoincrement().primaryKey(),
    userId: int("user_id").notNull(),
    reference: varchar("reference", { length: 120 }).notNull().unique("uq_wallet_holds_reference"),
    amount: paiseDecimal("amount", { precision: 15 }).notNull(),
    capturedAmount: paiseDecimal("captured_amount", { precision: 15 }).notNull().default(ZERO_DECIMAL),
    status: mysqlEnum("status", HOLD_STATUSES).notNull().default("active"),
    reason: varchar("reason", { length: 255 }).notNull(),
    expiresAt: timestamp("expires_at", { fsp: 3 }).notNull(),
    resolvedAt: timestamp("resolved_at", { fsp: 3 }),
    /**
     * Whether the hold counts against the owner's debit limits while active and records debit usage
     * when captured: true for the owner's own spending, false for money going back where it came from
     * (a refund to source), which create-hold reserves without checking those limits.
     */
    limitsEnforced: boolean("limits_enforced").notNull().default(true),
    /** The capture posting, once captured. */
    postingId: int("posting_id"),
    ...lifecycleDates(),
  },
  (t) => [
    index("idx_holds_status_expiry").on(t.status, t.expiresAt),
    index("idx_holds_user_status").on(t.userId, t.status),
    foreignKey({ name: "fk_wallet_holds_user", columns: [t.userId], foreignColumns: [users.id] }).onDelete("cascade"),
  ],
);

export type WalletHold = typeof walletHolds.$inferSelect;
