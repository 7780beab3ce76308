/**
 * `POST /api/auth/register`: a new customer — or, with a distributor's `referralCode`, a retailer under
 * that distributor — followed by a phone OTP (`verify_phone`).
 */
import { and, eq } from "drizzle-orm";
import { users } from "../../db/schema/users.js";
import type { ClientInfo } from "../auth/client-info.js";
import { db } from "../db/index.js";
import { AppError } from "../http/errors.js";
import { logger } from "../log.js";
import { issueOtp } from "../otp/issue-otp.js";
import { createUser } from "./create-user.js";
import { getProfile, type Profile } from "./profile.js";

export type RegisterInput = {
  fullName: string;
  email: string;
  phone: string;
  username: string;
  password: string;
  referralCode?: string | undefined;
};

async function distributorIdForCode(code: string): Promise<number> {
  const [row] = await db
    .select({ id: users.id, isActive: users.isActive })
    .from(users)
    .where(and(eq(users.userCode, code.trim().toUpperCase()), eq(users.role, "distributor")));
  if (!row?.isActive) {
    throw new AppError("VALIDATION_FAILED", "The referral code is not a distributor's code.", {
      details: [{ path: "referralCode", message: "is not an active distributor's user code" }],
    });
  }
  return row.id;
}

/** Registers the account and sends the phone OTP; a failed SMS is logged, not fatal (resend exists). */
export async function registerUser(input: RegisterInput, client: ClientInfo): Promise<Profile> {
  const parentDistributorId = input.referralCode ? await distributorIdForCode(input.referralCode) : null;
  const { id } = await createUser(
    {
      fullName: input.fullName,
      email: input.email,
      phone: input.phone,
      username: input.username,
      password: input.password,
      role: parentDistributorId ? "retailer" : "customer",
      parentDistributorId,
    },
    { actorUserId: null, action: "user.registered", client },
  );
  try {
    await issueOtp(db, { destination: { channel: "sms", value: input.phone }, purpose: "verify_phone", userId: id });
  } catch (error) {
    logger.error({ err: error, userId: id }, "registration: phone OTP delivery failed");
  }
  return getProfile(db, id);
}
