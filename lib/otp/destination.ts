/** OTP destinations: a 10-digit Indian mobile (sms) or a lower-cased e-mail, and the user they belong to. */
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { OtpPurpose } from "../../db/schema/otp-codes.js";
import { users } from "../../db/schema/users.js";
import type { Database } from "../db/index.js";
import { emailSchema, normalizePhone } from "../users/fields.js";
import { profileColumns } from "../users/profile.js";

export type Destination = { channel: "sms" | "email"; value: string };

/** Accepts a phone (any of the `+91`/`0` spellings) or an e-mail; the channel follows from the shape. */
export const destinationSchema = z.string().transform((raw, ctx): Destination => {
  if (raw.includes("@")) {
    const email = emailSchema.safeParse(raw);
    if (email.success) return { channel: "email", value: email.data };
  } else {
    const phone = normalizePhone(raw);
    if (phone) return { channel: "sms", value: phone };
  }
  ctx.addIssue({ code: "custom", message: "must be an Indian mobile number or an e-mail address" });
  return z.NEVER;
});

/**
 * Whether the account's owner proved the destination is theirs (a verify_* code). A code that opens
 * the account (OTP login, password reset) goes only to such a destination: an unverified e-mail or
 * number may be someone else's (a typo at registration), who could otherwise take the account over.
 */
export const destinationVerified = (
  account: { phoneVerified: boolean | null; emailVerified: boolean | null },
  channel: Destination["channel"],
) => (channel === "sms" ? account.phoneVerified : account.emailVerified) === true;

export const OPENS_ACCOUNT: ReadonlySet<OtpPurpose> = new Set(["login", "reset_password"]);

/**
 * The account a destination belongs to, or undefined: the columns OTP flows need (eligibility, 2FA,
 * reset fingerprint) and the profile an OTP login answers with, in one read.
 */
export async function findUserByDestination(db: Database, destination: Destination) {
  const column = destination.channel === "sms" ? users.phone : users.email;
  const [row] = await db
    .select({
      ...profileColumns,
      isActive: users.isActive,
      password: users.password,
      totpSecret: users.totpSecret,
      lockedUntil: users.lockedUntil,
    })
    .from(users)
    .where(eq(column, destination.value));
  return row;
}
