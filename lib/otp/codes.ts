/**
 * OTP values and their stored form. Codes come from the OS CSPRNG (6 digits ≈ 20 bits, NIST 800-63B
 * §5.1.3.2). Storage is HMAC-SHA-256 keyed with OTP_PEPPER and bound to destination and purpose: fast
 * (bcrypt would add nothing against a 10^6 space) yet useless to whoever steals only the database.
 */
import { createHmac, randomInt } from "node:crypto";
import type { OtpPurpose } from "../../db/schema/otp-codes.js";
import { env } from "../env.js";

export const OTP_TTL_MS = 10 * 60_000;
/** Tries per code, the right one included: a code is compared at most 5 times, and the 5th wrong guess burns it. */
export const OTP_MAX_ATTEMPTS = 5;

export const generateOtp = (): string => String(randomInt(0, 1_000_000)).padStart(6, "0");

/** Hex HMAC of a code for one destination and purpose. */
export function hashOtp(destination: string, purpose: OtpPurpose, code: string): string {
  return createHmac("sha256", env.OTP_PEPPER).update(`${purpose}\n${destination}\n${code}`).digest("hex");
}
