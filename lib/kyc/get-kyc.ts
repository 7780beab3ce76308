/** Reads a user's KYC state in its masked form (`GET /api/me/kyc`). */
import { eq } from "drizzle-orm";
import { kycRecords } from "../../db/schema/kyc-records.js";
import { users } from "../../db/schema/users.js";
import type { Database } from "../db/index.js";
import { AppError } from "../http/errors.js";
import { type KycView, toKycView } from "./kyc-view.js";

/** The user's KYC status with masked PAN/Aadhaar and the rejection reason, if any (one query). */
export async function getKyc(db: Database, userId: number): Promise<KycView> {
  const [user] = await db
    .select({
      kycStatus: users.kycStatus,
      record: {
        panMasked: kycRecords.panMasked,
        aadhaarLast4: kycRecords.aadhaarLast4,
        documents: kycRecords.documents,
        rejectionReason: kycRecords.rejectionReason,
        submittedAt: kycRecords.submittedAt,
        reviewedAt: kycRecords.reviewedAt,
      },
    })
    .from(users)
    .leftJoin(kycRecords, eq(kycRecords.userId, users.id))
    .where(eq(users.id, userId));
  if (!user) throw new AppError("NOT_FOUND", "User not found.");
  return toKycView(user.kycStatus ?? "pending", user.record ?? undefined);
}
