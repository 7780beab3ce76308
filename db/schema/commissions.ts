/**
 * `commissions`: one row per level of a multi-level commission on a retailer's sale (seed 001 ER
 * diagram: userId, transactionId, commissionRate, commissionAmount, level 1-3, parentUserId, calculatedAt).
 */
import { sql } from "drizzle-orm";
import { check, decimal, foreignKey, index, int, mysqlTable, timestamp, tinyint } from "drizzle-orm/mysql-core";
import { createdAt, paiseDecimal } from "./columns.js";
import { transactions } from "./transactions.js";
import { users } from "./users.js";

export const commissions = mysqlTable(
  "commissions",
  {
    id: int("id").autoincrement().primaryKey(),
    /** The earner. */
    userId: int("user_id").notNull(),
    /** The sale (recharge or bill line) the commission was earned on. */
    transactionId: int("transaction_id").notNull(),
    commissionRate: decimal("commission_rate", { precision: 5, scale: 4 }).notNull(),
    commissionAmount: paiseDecimal("commission_amount", { precision: 15 }).notNull(),
    /** 1 = the retailer, 2 = its distributor, 3 = the distributor's parent. */
    level: tinyint("level").notNull(),
    /** The user one level below the earner in the chain (null at level 1). */
    parentUserId: int("parent_user_id"),
    calculatedAt: timestamp("calculated_at").default(sql`CURRENT_TIMESTAMP`),
    createdAt: createdAt(),
  },
  (t) => [
    index("idx_commissions_user").on(t.userId, t.calculatedAt),
    index("idx_commissions_transaction").on(t.transactionId),
    check("chk_commissions_level", sql`level between 1 and 3`),
    foreignKey({ name: "fk_commissions_user", columns: [t.userId], foreignColumns: [users.id] }).onDelete("cascade"),
    foreignKey({
      name: "fk_commissions_transaction",
      columns: [t.transactionId],
      foreignColumns: [transactions.id],
    }).onDelete("cascade"),
    foreignKey({ name: "fk_commissions_parent_user", columns: [t.parentUserId], foreignColumns: [users.id] }).onDelete(
      "set null",
    ),
  ],
);

export type Commission = typeof commissions.$inferSelect;
