/**
 * Passwords: the policy of API.md §1 and bcrypt hashing (bcryptjs, async only — the sync variants would
 * block the function's event loop for the whole hash).
 */
import bcrypt from "bcryptjs";
import { z } from "zod";
import { env } from "../env.js";

const CLASSES = [/[a-z]/, /[A-Z]/, /\d/, /[^a-zA-Z\d]/];

/** At least 10 characters, at most 72 bytes (bcrypt ignores the rest), not all of one character class. */
export const passwordSchema = z
  .string()
  .min(10, "must be at least 10 characters")
  .refine((p) => Buffer.byteLength(p) <= 72, "must be at most 72 bytes")
  .refine(
    (p) => CLASSES.filter((re) => re.test(p)).length >= 2,
    "must mix at least two of: lower-case, upper-case, digits, symbols",
  );

/** bcrypt hash at env.BCRYPT_COST. */
export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, env.BCRYPT_COST);
}

let dummyHash: Promise<string> | undefined;

/**
 * Compares a password with a stored hash. With `hash === null` (unknown account) it still spends one
 * bcrypt comparison, so response time does not reveal whether the account exists.
 */
export async function verifyPassword(password: string, hash: string | null): Promise<boolean> {
  if (hash === null) {
    dummyHash ??= bcrypt.hash("not-a-real-password-0", env.BCRYPT_COST);
    await bcrypt.compare(password, await dummyHash);
    return false;
  }
  return bcrypt.compare(password, hash);
}
