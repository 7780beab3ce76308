/**
 * `otp_codes`: one-time codes sent by SMS or e-mail. Only an HMAC-SHA-256 of the code (keyed with
 * OTP_PEPPER, bound to destination and purpose) is stored. A code is valid 10 minutes, used once, and
 * burned by its 5th wrong guess (`attempts`). No FK to `users`: codes exist for unknown destinations too.
 */
import { index, int, mysqlEnum, mysqlTable, timestamp, tinyint, varchar } from "drizzle-orm/mysql-core";
import { createdAt } from "./columns.js";

export const OTP_PURPOSES = ["verify_phone", "verify_email", "login", "reset_password"] as const;
export type OtpPurpose = (typeof OTP_PURPOSES)[number];

export const otpCodes = mysqlTable(
  "otp_codes",
  {
    id: int("id").autoincrement().primaryKey(),
    /** Normalised: 10-digit Indian mobile or lower-cased e-mail. */
    destination: varchar("destination", { length: 255 }).notNull(),
    purpose: mysqlEnum("purpose", OTP_PURPOSES).notNull(),
    codeHash: varchar("code_hash", { length: 64 }).notNull(),
    /** The account the code was sent for; null when the destination matches no user (no enumeration). */
    userId: int("user_id"),
    /** Wrong guesses so far; at 5 the code is dead. */
    attempts: tinyint("attempts").notNull().default(0),
    expiresAt: timestamp("expires_at").notNull(),
    /** Set when the code is used, superseded by a newer code, or burned. */
    consumedAt: timestamp("consumed_at"),
    createdAt: createdAt().notNull(),
  },
  (t) => [index("idx_otp_destination").on(t.destination, t.purpose, t.id)],
);

export type OtpCode = typeof otpCodes.$inferSelect;
