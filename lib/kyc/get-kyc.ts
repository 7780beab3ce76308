/** Reads a user's KYC state in its masked form (`GET /api/me/kyc`). */
import { eq } from "drizzle-orm";
import { kycRecords } from "../../db/schema/kyc-records.js";
import { users } from "../../db/schema/users.js";
import type { Database } from "../db/index.js";
import { AppError } from "../http/errors.js";
import { type KycView, toKycView } from "./kyc-view.js";

/** The user's KYC status with masked PAN/Aadhaar and the rejection reason, if any. */
export async function getKyc(db: Database, userId: number): Promise<KycView> {
  const [user] = await db.select({ kycStatus: users.kycStatus }).from(users).where(eq(users.id, userId));
  if (!user) throw new AppError("NOT_FOUND", "User not found.");
  const [row] = await db
    .select({
      panMasked: kycRecords.panMasked,
      aadhaarLast4: kycRecords.aadhaarLast4,
      documents: kycRecords.documents,
      rejectionReason: kycRecords.rejectionReason,
      submittedAt: kycRecords.submittedAt,
      reviewedAt: kycRecords.reviewedAt,
    })
    .from(kycRecords)
    .where(eq(kycRecords.userId, userId));
  return toKycView(user.kycStatus ?? "pending", row);
}
