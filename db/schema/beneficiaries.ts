/** `beneficiaries`: a user's saved bank accounts for payouts (seed 001 "BENEFICIARIES Table"). */
import {
  boolean,
  foreignKey,
  index,
  int,
  mysqlEnum,
  mysqlTable,
  timestamp,
  unique,
  varchar,
} from "drizzle-orm/mysql-core";
import { lifecycleDates, paiseDecimal } from "./columns.js";
import { users } from "./users.js";

export const ACCOUNT_TYPES = ["savings", "current", "overdraft"] as const;

export const beneficiaries = mysqlTable(
  "beneficiaries",
  {
    id: int("id").autoincrement().primaryKey(),
    userId: int("user_id").notNull(),
    beneficiaryName: varchar("beneficiary_name", { length: 255 }).notNull(),
    /** Stored encrypted (AES-256-GCM, key id prefix) once payouts land; only masked values leave the API. */
    accountNumber: varchar("account_number", { length: 100 }).notNull(),
    ifscCode: varchar("ifsc_code", { length: 11 }).notNull(),
    bankName: varchar("bank_name", { length: 255 }).notNull(),
    accountType: mysqlEnum("account_type", ACCOUNT_TYPES).default("savings"),
    relationship: varchar("relationship", { length: 100 }),
    nickname: varchar("nickname", { length: 100 }),
    isVerified: boolean("is_verified").default(false),
    verificationDate: timestamp("verification_date"),
    isActive: boolean("is_active").default(true),
    dailyLimit: paiseDecimal("daily_limit", { precision: 15 }),
    monthlyLimit: paiseDecimal("monthly_limit", { precision: 15 }),
    ...lifecycleDates(),
  },
  (t) => [
    index("idx_user_beneficiary").on(t.userId, t.isActive),
    index("idx_account_ifsc").on(t.accountNumber, t.ifscCode),
    index("idx_verification").on(t.isVerified, t.verificationDate),
    unique("unique_user_account").on(t.userId, t.accountNumber, t.ifscCode),
    foreignKey({ name: "fk_beneficiaries_user", columns: [t.userId], foreignColumns: [users.id] }).onDelete("cascade"),
  ],
);

export type Beneficiary = typeof beneficiaries.$inferSelect;
