/** Creates a fresh code for (destination, purpose), retires the older ones, and hands it to lib/notify. */
import { and, eq, isNull, sql } from "drizzle-orm";
import { type OtpPurpose, otpCodes } from "../../db/schema/otp-codes.js";
import type { Database } from "../db/index.js";
import { notifier } from "../notify/index.js";
import { generateOtp, hashOtp, OTP_TTL_MS } from "./codes.js";
import type { Destination } from "./destination.js";

const TEXT: Record<OtpPurpose, string> = {
  verify_phone: "to verify your mobile number",
  verify_email: "to verify your e-mail address",
  login: "to log in",
  reset_password: "to reset your password",
};

/**
 * Issues and sends one OTP. Only the newest code of a destination and purpose is live, so a resend
 * does not multiply an attacker's guesses. Delivery errors propagate to the caller.
 */
export async function issueOtp(
  db: Database,
  input: { destination: Destination; purpose: OtpPurpose; userId: number },
): Promise<void> {
  const { destination, purpose } = input;
  const code = generateOtp();
  await db
    .update(otpCodes)
    .set({ consumedAt: sql`CURRENT_TIMESTAMP` })
    .where(
      and(eq(otpCodes.destination, destination.value), eq(otpCodes.purpose, purpose), isNull(otpCodes.consumedAt)),
    );
  await db.insert(otpCodes).values({
    destination: destination.value,
    purpose,
    codeHash: hashOtp(destination.value, purpose, code),
    userId: input.userId,
    expiresAt: new Date(Date.now() + OTP_TTL_MS),
  });
  await notifier.send({
    channel: destination.channel,
    to: destination.value,
    purpose,
    body: `${code} is your NexasPay code ${TEXT[purpose]}. It expires in 10 minutes. Never share it.`,
    variables: { otp: code },
  });
}
