/**
 * `kyc_submission_history`: every KYC submission that a resubmission replaced in `kyc_records` (one row
 * per user holds only the current one). RBI's KYC Master Direction keeps identification records for
 * five years after the relationship ends — a rejected attempt with someone else's PAN included. Copied
 * in the resubmission's transaction; ciphertexts keep their user-bound encryption context.
 */
import { sql } from "drizzle-orm";
import { foreignKey, index, int, mysqlEnum, mysqlTable, timestamp, varchar } from "drizzle-orm/mysql-core";
import { jsonValue } from "./audit-logs.js";
import { KYC_STATUSES, users } from "./users.js";

export const kycSubmissionHistory = mysqlTable(
  "kyc_submission_history",
  {
    id: int("id").autoincrement().primaryKey(),
    userId: int("user_id").notNull(),
    kycRecordId: int("kyc_record_id").notNull(),
    status: mysqlEnum("status", KYC_STATUSES).notNull(),
    panEncrypted: varchar("pan_encrypted", { length: 255 }).notNull(),
    panMasked: varchar("pan_masked", { length: 10 }).notNull(),
    aadhaarEncrypted: varchar("aadhaar_encrypted", { length: 255 }).notNull(),
    aadhaarLast4: varchar("aadhaar_last4", { length: 4 }).notNull(),
    documents: jsonValue("documents"),
    rejectionReason: varchar("rejection_reason", { length: 500 }),
    submittedAt: timestamp("submitted_at").notNull(),
    reviewedAt: timestamp("reviewed_at"),
    reviewedBy: int("reviewed_by"),
    replacedAt: timestamp("replaced_at").notNull().default(sql`CURRENT_TIMESTAMP`),
  },
  (t) => [
    index("idx_kyc_history_user").on(t.userId, t.id),
    // Kept after the relationship ends, like kyc_records: deleting the user is refused.
    foreignKey({ name: "fk_kyc_history_user", columns: [t.userId], foreignColumns: [users.id] }),
  ],
);

export type KycSubmissionHistory = typeof kycSubmissionHistory.$inferSelect;
