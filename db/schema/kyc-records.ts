/**
 * `kyc_records`: the current KYC submission of a user (one row per user; a submission a resubmission
 * replaces is copied to `kyc_submission_history`, decisions are in audit_logs).
 * PAN and Aadhaar are AES-256-GCM envelopes (lib/crypto) with HMAC blind indexes for uniqueness; the
 * full Aadhaar number is never stored in clear (domain-india §4.2), only its last 4 digits.
 */
import { sql } from "drizzle-orm";
import { foreignKey, index, int, mysqlEnum, mysqlTable, timestamp, varchar } from "drizzle-orm/mysql-core";
import { jsonValue } from "./audit-logs.js";
import { lifecycleDates } from "./columns.js";
import { KYC_STATUSES, users } from "./users.js";

export const kycRecords = mysqlTable(
  "kyc_records",
  {
    id: int("id").autoincrement().primaryKey(),
    userId: int("user_id").notNull().unique("uq_kyc_user"),
    status: mysqlEnum("status", KYC_STATUSES).notNull().default("pending"),
    panEncrypted: varchar("pan_encrypted", { length: 255 }).notNull(),
    /**
     * HMAC-SHA256 (hex) of the normalised PAN: one PAN belongs to one live submission. NULL once the
     * submission is rejected, so a number someone else tried (and failed) to use is not locked away
     * from its real holder.
     */
    panBlindIndex: varchar("pan_blind_index", { length: 64 }).unique("uq_kyc_pan_bidx"),
    panMasked: varchar("pan_masked", { length: 10 }).notNull(),
    aadhaarEncrypted: varchar("aadhaar_encrypted", { length: 255 }).notNull(),
    aadhaarBlindIndex: varchar("aadhaar_blind_index", { length: 64 }).unique("uq_kyc_aadhaar_bidx"),
    aadhaarLast4: varchar("aadhaar_last4", { length: 4 }).notNull(),
    /** `[{type, url}]` pointers to the uploaded (masked) document images. */
    documents: jsonValue("documents"),
    rejectionReason: varchar("rejection_reason", { length: 500 }),
    submittedAt: timestamp("submitted_at").notNull().default(sql`CURRENT_TIMESTAMP`),
    reviewedAt: timestamp("reviewed_at"),
    reviewedBy: int("reviewed_by"),
    ...lifecycleDates(),
  },
  (t) => [
    index("idx_kyc_status").on(t.status, t.submittedAt),
    // KYC records are kept after the relationship ends (RBI: 5 years), so deleting the user is refused.
    foreignKey({ name: "fk_kyc_records_user", columns: [t.userId], foreignColumns: [users.id] }),
  ],
);

export type KycRecord = typeof kycRecords.$inferSelect;
