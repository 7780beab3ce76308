/** `users`: every person or business holding a wallet (seed 001 "USERS Table (Enhanced)"). */

import { sql } from "drizzle-orm";
import {
  type AnyMySqlColumn,
  boolean,
  check,
  date,
  decimal,
  foreignKey,
  index,
  int,
  mysqlEnum,
  mysqlTable,
  text,
  timestamp,
  varchar,
} from "drizzle-orm/mysql-core";
import { lifecycleDates, paiseDecimal, ZERO_DECIMAL } from "./columns.js";

export const USER_ROLES = ["customer", "retailer", "distributor", "admin"] as const;
export const KYC_STATUSES = ["pending", "verified", "rejected"] as const;

export const users = mysqlTable(
  "users",
  {
    id: int("id").autoincrement().primaryKey(),
    email: varchar("email", { length: 255 }).notNull().unique(),
    username: varchar("username", { length: 100 }).notNull().unique(),
    phone: varchar("phone", { length: 15 }).notNull().unique(),
    /** bcrypt hash; never the password itself. */
    password: varchar("password", { length: 255 }).notNull(),
    fullName: varchar("full_name", { length: 255 }),
    /**
     * Projection of the wallet's ledger: always equals the last `transactions.closing_balance` of this
     * user. Only `lib/ledger` writes it. NOT NULL tightens the seed (whose column was nullable).
     */
    walletBalance: paiseDecimal("wallet_balance", { precision: 15 }).notNull().default(ZERO_DECIMAL),
    /** Σ of this wallet's active holds (lib/ledger); available balance = wallet_balance − held_balance. */
    heldBalance: paiseDecimal("held_balance", { precision: 15 }).notNull().default(ZERO_DECIMAL),
    /** Sequence number of the wallet's last ledger line (0 = none); lines are gap-free 1..wallet_seq. */
    walletSeq: int("wallet_seq").notNull().default(0),
    avatarUrl: varchar("avatar_url", { length: 500 }),
    dateOfBirth: date("date_of_birth", { mode: "string" }),
    address: text("address"),
    role: mysqlEnum("role", USER_ROLES).default("customer"),
    kycStatus: mysqlEnum("kyc_status", KYC_STATUSES).default("pending"),
    /** A fraction (0.0150 = 1.5%), not money; kept as the seed's DECIMAL(5,4) string. */
    commissionRate: decimal("commission_rate", { precision: 5, scale: 4 }).default("0.0000"),
    parentDistributorId: int("parent_distributor_id"),
    /** Public, stable ledger identifier (e.g. `NXP…`), unique per user. */
    userCode: varchar("user_code", { length: 50 }).unique(),
    dailyLimit: paiseDecimal("daily_limit", { precision: 15 }).default(sql`25000.00`),
    monthlyLimit: paiseDecimal("monthly_limit", { precision: 15 }).default(sql`100000.00`),
    isActive: boolean("is_active").default(true),
    emailVerified: boolean("email_verified").default(false),
    phoneVerified: boolean("phone_verified").default(false),
    lastLogin: timestamp("last_login"),
    /** Consecutive failed password logins; reset by a success. Reaching the threshold sets `locked_until`. */
    failedLoginCount: int("failed_login_count").notNull().default(0),
    /** Soft, auto-expiring lock after repeated failed logins (ACCOUNT_LOCKED until then). */
    lockedUntil: timestamp("locked_until"),
    /** TOTP secret, encrypted at rest by lib/crypto (`v1:<kid>:…`); set by 2FA setup, live once enabled. */
    totpSecret: varchar("totp_secret", { length: 512 }),
    totpEnabled: boolean("totp_enabled").notNull().default(false),
    /** Last accepted TOTP time step, so one code is accepted once per period (NIST 800-63B). */
    totpLastStep: int("totp_last_step"),
    ...lifecycleDates(),
  },
  (t) => [
    index("idx_email").on(t.email),
    index("idx_phone").on(t.phone),
    index("idx_username").on(t.username),
    index("idx_user_code").on(t.userCode),
    index("idx_role").on(t.role),
    index("idx_kyc_status").on(t.kycStatus),
    index("idx_parent_distributor").on(t.parentDistributorId),
    index("idx_users_role_kyc").on(t.role, t.kycStatus),
    foreignKey({
      name: "fk_users_parent_distributor",
      columns: [t.parentDistributorId],
      foreignColumns: [t.id as AnyMySqlColumn],
    }).onDelete("set null"),
    // Last line of defence behind lib/ledger's own checks (MariaDB errno 4025 / MySQL 3819).
    check("chk_users_balance_nonneg", sql`${t.walletBalance} >= 0`),
    check("chk_users_held_nonneg", sql`${t.heldBalance} >= 0`),
    check("chk_users_held_le_balance", sql`${t.heldBalance} <= ${t.walletBalance}`),
  ],
);

export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
export type UserRole = (typeof USER_ROLES)[number];
export type KycStatus = (typeof KYC_STATUSES)[number];
