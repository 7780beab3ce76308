/**
 * Checks a code against the live OTP of (destination, purpose) and uses it up. Every step is a
 * conditional UPDATE, so concurrent guesses cannot exceed the attempt limit or use a code twice.
 */
import { and, desc, eq, gt, isNull, lt, sql } from "drizzle-orm";
import { type OtpPurpose, otpCodes } from "../../db/schema/otp-codes.js";
import { sameDigest } from "../auth/secrets.js";
import { affectedRows, type Database } from "../db/index.js";
import { AppError } from "../http/errors.js";
import { hashOtp, OTP_MAX_ATTEMPTS } from "./codes.js";

const invalid = () => new AppError("OTP_INVALID", "The code is wrong, expired or already used. Request a new one.");

/**
 * Returns the user the code was issued for. `beforeConsume` runs after the code matched and before it
 * is used up (e.g. a 2FA check that should not cost the user the code). Throws OTP_INVALID otherwise.
 */
export async function consumeOtp(
  db: Database,
  input: { destination: string; purpose: OtpPurpose; code: string },
  beforeConsume?: (userId: number) => Promise<void>,
): Promise<{ userId: number }> {
  const [live] = await db
    .select({ id: otpCodes.id, codeHash: otpCodes.codeHash, userId: otpCodes.userId })
    .from(otpCodes)
    .where(
      and(
        eq(otpCodes.destination, input.destination),
        eq(otpCodes.purpose, input.purpose),
        isNull(otpCodes.consumedAt),
        lt(otpCodes.attempts, OTP_MAX_ATTEMPTS),
        gt(otpCodes.expiresAt, sql`CURRENT_TIMESTAMP`),
      ),
    )
    .orderBy(desc(otpCodes.id))
    .limit(1);
  if (!live || live.userId === null) throw invalid();
  const stillLive = and(
    eq(otpCodes.id, live.id),
    isNull(otpCodes.consumedAt),
    lt(otpCodes.attempts, OTP_MAX_ATTEMPTS),
    gt(otpCodes.expiresAt, sql`CURRENT_TIMESTAMP`),
  );
  if (!sameDigest(live.codeHash, hashOtp(input.destination, input.purpose, input.code))) {
    await db
      .update(otpCodes)
      .set({ attempts: sql`${otpCodes.attempts} + 1` })
      .where(stillLive);
    throw invalid();
  }
  await beforeConsume?.(live.userId);
  const used = await db.update(otpCodes).set({ consumedAt: sql`CURRENT_TIMESTAMP` }).where(stillLive);
  if (affectedRows(used) !== 1) throw invalid();
  return { userId: live.userId };
}
