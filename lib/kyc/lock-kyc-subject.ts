/** The first step of every KYC write: lock the user, then read their KYC record. */
import { eq } from "drizzle-orm";
import { kycRecords } from "../../db/schema/kyc-records.js";
import { users } from "../../db/schema/users.js";
import type { Database } from "../db/index.js";
import { AppError } from "../http/errors.js";

/**
 * Locks the user row and reads the user's KYC record (404 for an unknown user). Every writer of
 * `kyc_records` starts here, so the user row lock serialises a user's concurrent submissions and an
 * admin decision on them, and the record read after it is current without a lock of its own.
 */
export async function lockKycSubject(tx: Database, userId: number) {
  const [user] = await tx.select({ kycStatus: users.kycStatus }).from(users).where(eq(users.id, userId)).for("update");
  if (!user) throw new AppError("NOT_FOUND", "User not found.");
  const [record] = await tx
    .select({ id: kycRecords.id, status: kycRecords.status, submittedAt: kycRecords.submittedAt })
    .from(kycRecords)
    .where(eq(kycRecords.userId, userId));
  return { kycStatus: user.kycStatus, record };
}
