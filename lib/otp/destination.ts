/** OTP destinations: a 10-digit Indian mobile (sms) or a lower-cased e-mail, and the user they belong to. */
import { eq } from "drizzle-orm";
import { z } from "zod";
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
    })
    .from(users)
    .where(eq(column, destination.value));
  return row;
}
