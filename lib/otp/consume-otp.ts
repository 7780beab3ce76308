/**
 * Checks a code against the live OTP of (destination, purpose) and uses it up. A request may compare
 * only after a conditional UPDATE has claimed one of the code's OTP_MAX_ATTEMPTS tries, so any number of
 * concurrent guesses gets at most that many comparisons; using the code is a conditional UPDATE too,
 * so it works once.
 */
import { and, desc, eq, gt, isNull, lt, sql } from "drizzle-orm";
import { type OtpPurpose, otpCodes } from "../../db/schema/otp-codes.js";
import { sameDigest } from "../auth/secrets.js";
import { affectedRows, type Database } from "../db/index.js";
import { AppError } from "../http/errors.js";
import { hashOtp, OTP_MAX_ATTEMPTS } from "./codes.js";

const invalid = () => new AppError("OTP_INVALID", "The code is wrong, expired or already used. Request a new one.");

const unexpired = () => gt(otpCodes.expiresAt, sql`CURRENT_TIMESTAMP`);

/**
 * Returns the user the code was issued for. Every try counts, the right one included, so a
 * `beforeConsume` that refuses (e.g. a 2FA check) also has at most OTP_MAX_ATTEMPTS runs per code.
 * It runs after the code matched and before it is used up, so its refusal does not cost the code
 * itself. Throws OTP_INVALID otherwise.
 */
export async function consumeOtp(
  db: Database,
  input: { destination: string; purpose: OtpPurpose; code: string },
  beforeConsume?: (userId: number) => Promise<void>,
): Promise<{ userId: number }> {
  // The newest code of (destination, purpose), whatever its state: only it may be live. Two sends racing
  // can each retire the other's predecessor and both insert; a filter on "still usable" would then fall
  // back to the older code once the newer one is burned — 10 guesses instead of 5.
  const [live] = await db
    .select({ id: otpCodes.id, codeHash: otpCodes.codeHash, userId: otpCodes.userId })
    .from(otpCodes)
    .where(and(eq(otpCodes.destination, input.destination), eq(otpCodes.purpose, input.purpose)))
    .orderBy(desc(otpCodes.id))
    .limit(1);
  if (!live || live.userId === null) throw invalid();
  // The row read above may be stale: only the claim decides whether this request still has a try.
  const claim = await db
    .update(otpCodes)
    .set({ attempts: sql`${otpCodes.attempts} + 1` })
    .where(
      and(eq(otpCodes.id, live.id), isNull(otpCodes.consumedAt), lt(otpCodes.attempts, OTP_MAX_ATTEMPTS), unexpired()),
    );
  if (affectedRows(claim) !== 1) throw invalid();
  if (!sameDigest(live.codeHash, hashOtp(input.destination, input.purpose, input.code))) throw invalid();
  await beforeConsume?.(live.userId);
  // No attempts condition: this request's own claim may have taken the last try.
  const used = await db
    .update(otpCodes)
    .set({ consumedAt: sql`CURRENT_TIMESTAMP` })
    .where(and(eq(otpCodes.id, live.id), isNull(otpCodes.consumedAt), unexpired()));
  if (affectedRows(used) !== 1) throw invalid();
  return { userId: live.userId };
}
