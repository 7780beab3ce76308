/**
 * `POST /api/admin/kyc/[userId]`: an admin verifies or rejects a pending submission
 * (domain-india §1.6: only `pending → verified | rejected`; the decision is audited with before/after).
 */
import { eq } from "drizzle-orm";
import { kycRecords } from "../../db/schema/kyc-records.js";
import { type KycStatus, users } from "../../db/schema/users.js";
import { type AuditRequestInfo, recordAudit } from "../audit/index.js";
import { withTransaction } from "../db/index.js";
import { AppError } from "../http/errors.js";
import { lockKycSubject } from "./lock-kyc-subject.js";
import type { KycDecision } from "./schemas.js";

export type KycDecisionResult = {
  userId: number;
  kycStatus: KycStatus;
  rejectionReason: string | null;
  reviewedAt: string;
};

/** Applies the decision; 404 for an unknown user, 409 when there is no pending submission. */
export async function decideKyc(
  adminId: number,
  userId: number,
  input: KycDecision,
  info: AuditRequestInfo,
): Promise<KycDecisionResult> {
  // Four-eyes: nobody approves their own identity documents.
  if (adminId === userId) throw new AppError("FORBIDDEN", "You cannot decide on your own KYC.");
  const reviewedAt = new Date();
  const rejectionReason = input.decision === "rejected" ? (input.reason ?? null) : null;
  return withTransaction(async ({ tx }) => {
    const { kycStatus, record } = await lockKycSubject(tx, userId);
    if (!record) throw new AppError("CONFLICT", "This user has not submitted KYC documents.");
    if (record.status !== "pending") {
      throw new AppError("CONFLICT", `This KYC submission is already ${record.status}.`);
    }
    // Admin A opens a submission, admin B rejects it, the user resubmits other documents: A's "verified"
    // must not land on documents nobody looked at. (submitted_at has whole seconds.)
    if (input.submittedAt && Math.floor(Date.parse(input.submittedAt) / 1000) !== record.submittedAt.getTime() / 1000) {
      throw new AppError("CONFLICT", "The user has resubmitted since this submission was opened: review it again.");
    }
    // A rejected submission releases its PAN/Aadhaar blind indexes: if someone used another person's
    // number, the real holder must still be able to submit it (the ciphertexts stay for the record).
    const release = input.decision === "rejected" ? { panBlindIndex: null, aadhaarBlindIndex: null } : {};
    await tx
      .update(kycRecords)
      .set({ status: input.decision, rejectionReason, reviewedAt, reviewedBy: adminId, ...release })
      .where(eq(kycRecords.id, record.id));
    await tx.update(users).set({ kycStatus: input.decision }).where(eq(users.id, userId));
    await recordAudit(tx, {
      actorUserId: adminId,
      action: `kyc.${input.decision}`,
      entityType: "user",
      entityId: userId,
      before: { kycStatus, kycRecordStatus: record.status },
      after: { kycStatus: input.decision, kycRecordStatus: input.decision, reason: rejectionReason },
      ...info,
    });
    return { userId, kycStatus: input.decision, rejectionReason, reviewedAt: reviewedAt.toISOString() };
  });
}
