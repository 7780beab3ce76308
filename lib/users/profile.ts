/** The account profile of `GET/PATCH /api/me`: one select shape and one mapper, never the raw row. */
import { eq } from "drizzle-orm";
import { users } from "../../db/schema/users.js";
import type { Database } from "../db/index.js";
import { AppError } from "../http/errors.js";

/** The columns the profile needs, and nothing else (no hashes, no TOTP secret). */
export const profileColumns = {
  id: users.id,
  userCode: users.userCode,
  fullName: users.fullName,
  email: users.email,
  username: users.username,
  phone: users.phone,
  role: users.role,
  kycStatus: users.kycStatus,
  emailVerified: users.emailVerified,
  phoneVerified: users.phoneVerified,
  totpEnabled: users.totpEnabled,
  parentDistributorId: users.parentDistributorId,
  commissionRate: users.commissionRate,
  walletBalance: users.walletBalance,
  avatarUrl: users.avatarUrl,
  dateOfBirth: users.dateOfBirth,
  address: users.address,
  createdAt: users.createdAt,
};

type ProfileRow = { [K in keyof typeof profileColumns]: (typeof profileColumns)[K]["_"]["data"] | null };

/** API.md §1 profile; `commissionRate` stays an exact decimal string (a fraction, not money). */
export function toProfile(row: ProfileRow) {
  return {
    id: row.id,
    userCode: row.userCode,
    fullName: row.fullName,
    email: row.email,
    username: row.username,
    phone: row.phone,
    role: row.role ?? "customer",
    kycStatus: row.kycStatus ?? "pending",
    emailVerified: Boolean(row.emailVerified),
    phoneVerified: Boolean(row.phoneVerified),
    twoFactorEnabled: Boolean(row.totpEnabled),
    parentDistributorId: row.parentDistributorId,
    commissionRate: row.commissionRate ?? "0.0000",
    walletBalancePaise: row.walletBalance ?? 0,
    avatarUrl: row.avatarUrl,
    dateOfBirth: row.dateOfBirth,
    address: row.address,
    createdAt: row.createdAt ? row.createdAt.toISOString() : null,
  };
}

export type Profile = ReturnType<typeof toProfile>;

/** The profile of a user; NOT_FOUND when the row is gone. */
export async function getProfile(db: Database, userId: number): Promise<Profile> {
  const [row] = await db.select(profileColumns).from(users).where(eq(users.id, userId));
  if (!row) throw new AppError("NOT_FOUND", "The account does not exist.");
  return toProfile(row);
}
