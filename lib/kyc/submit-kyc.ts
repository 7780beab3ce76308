/**
 * `POST /api/me/kyc`: stores a PAN/Aadhaar submission encrypted and moves the user to `pending`
 * (domain-india §1.6: first submission, or `rejected → pending` on resubmission).
 */
import { eq, sql } from "drizzle-orm";
import { kycRecords } from "../../db/schema/kyc-records.js";
import { kycSubmissionHistory } from "../../db/schema/kyc-submission-history.js";
import { users } from "../../db/schema/users.js";
import { type AuditRequestInfo, recordAudit } from "../audit/index.js";
import { blindIndex, fieldCipher, maskAadhaar, maskPan } from "../crypto/index.js";
import { isDuplicateKey, withTransaction } from "../db/index.js";
import { AppError } from "../http/errors.js";
import { lockKycSubject } from "./lock-kyc-subject.js";
import type { KycSubmission } from "./schemas.js";

export type KycSubmitResult = { kycStatus: "pending"; panMasked: string; aadhaarMasked: string };

/** Ciphertexts are bound to field and owner, so a value copied to another row or column fails to decrypt. */
export const kycCipherContext = (field: "pan" | "aadhaar", userId: number) => `kyc.${field}/${userId}`;

/**
 * Submits (or resubmits after a rejection) the caller's KYC. 409 when already verified or already under
 * review, or when the PAN/Aadhaar belongs to another account (without saying whose).
 */
export async function submitKyc(
  userId: number,
  input: KycSubmission,
  info: AuditRequestInfo,
): Promise<KycSubmitResult> {
  const values = {
    status: "pending" as const,
    panEncrypted: fieldCipher.encrypt(input.pan, kycCipherContext("pan", userId)),
    panBlindIndex: blindIndex("pan", input.pan),
    panMasked: maskPan(input.pan),
    aadhaarEncrypted: fieldCipher.encrypt(input.aadhaarNumber, kycCipherContext("aadhaar", userId)),
    aadhaarBlindIndex: blindIndex("aadhaar", input.aadhaarNumber),
    aadhaarLast4: input.aadhaarNumber.slice(-4),
    documents: input.documents ?? [],
    rejectionReason: null,
    submittedAt: new Date(),
    reviewedAt: null,
    reviewedBy: null,
  };
  try {
    await withTransaction(async ({ tx }) => {
      const { kycStatus, record: existing } = await lockKycSubject(tx, userId);
      if (kycStatus === "verified" || existing?.status === "verified") {
        throw new AppError("CONFLICT", "Your KYC is already verified; contact support to update it.");
      }
      if (existing?.status === "pending") {
        throw new AppError("CONFLICT", "Your KYC submission is already under review.");
      }
      if (existing) {
        // The replaced (rejected) submission is kept: what was tried, and the reviewer's decision on it.
        const r = kycRecords;
        await tx.insert(kycSubmissionHistory).select(
          tx
            .select({
              id: sql`NULL`.as("id"),
              userId: r.userId,
              kycRecordId: r.id,
              status: r.status,
              panEncrypted: r.panEncrypted,
              panMasked: r.panMasked,
              aadhaarEncrypted: r.aadhaarEncrypted,
              aadhaarLast4: r.aadhaarLast4,
              documents: r.documents,
              rejectionReason: r.rejectionReason,
              submittedAt: r.submittedAt,
              reviewedAt: r.reviewedAt,
              reviewedBy: r.reviewedBy,
              replacedAt: sql`CURRENT_TIMESTAMP`.as("replaced_at"),
            })
            .from(r)
            .where(eq(r.id, existing.id)),
        );
        await tx.update(kycRecords).set(values).where(eq(kycRecords.id, existing.id));
      } else await tx.insert(kycRecords).values({ userId, ...values });
      await tx.update(users).set({ kycStatus: "pending" }).where(eq(users.id, userId));
      await recordAudit(tx, {
        actorUserId: userId,
        action: existing ? "kyc.resubmitted" : "kyc.submitted",
        entityType: "user",
        entityId: userId,
        before: { kycStatus: kycStatus ?? "pending", kycRecordStatus: existing?.status ?? null },
        after: { kycStatus: "pending", documentCount: values.documents.length },
        ...info,
      });
    });
  } catch (error) {
    // No `cause`: the driver message carries the duplicate value, which must not reach the logs.
    if (isDuplicateKey(error, "uq_kyc_pan_bidx")) {
      throw new AppError("CONFLICT", "This PAN is already registered to another account.");
    }
    if (isDuplicateKey(error, "uq_kyc_aadhaar_bidx")) {
      throw new AppError("CONFLICT", "This Aadhaar number is already registered to another account.");
    }
    throw error;
  }
  return { kycStatus: "pending", panMasked: values.panMasked, aadhaarMasked: maskAadhaar(values.aadhaarLast4) };
}
