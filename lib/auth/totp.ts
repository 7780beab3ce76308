/**
 * TOTP (RFC 6238: SHA-1, 6 digits, 30 s) with the `otpauth` library. Secrets are stored encrypted by
 * lib/crypto (AES-256-GCM, bound to the user id), and a code is accepted only once: the accepted time
 * step is recorded with a conditional UPDATE, so a replayed or concurrently reused code fails.
 */
import { and, eq, isNull, lt, or } from "drizzle-orm";
import { Secret, TOTP } from "otpauth";
import { users } from "../../db/schema/users.js";
import { fieldCipher } from "../crypto/index.js";
import { affectedRows, type Database } from "../db/index.js";

const PERIOD = 30;
const ISSUER = "NexasPay";
const context = (userId: number) => `users.totp_secret:${userId}`;

/** A new random secret (160 bits), as base32 for the authenticator app and encrypted for the database. */
export function newTotpSecret(userId: number, label: string) {
  const secret = new Secret({ size: 20 });
  const totp = new TOTP({ issuer: ISSUER, label, algorithm: "SHA1", digits: 6, period: PERIOD, secret });
  return {
    base32: secret.base32,
    otpauthUrl: totp.toString(),
    stored: fieldCipher.encrypt(secret.base32, context(userId)),
  };
}

/** The time step `code` belongs to (±1 step of clock drift), or null when it is wrong. */
function matchingStep(stored: string, userId: number, code: string): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const secret = Secret.fromBase32(fieldCipher.decrypt(stored, context(userId)));
  const delta = TOTP.validate({ token: code, secret, algorithm: "SHA1", digits: 6, period: PERIOD, window: 1 });
  return delta === null ? null : Math.floor(Date.now() / 1000 / PERIOD) + delta;
}

/**
 * True when `code` is valid for the user's stored secret and its time step has not been used before;
 * records the step. Works for setup (secret stored, 2FA not yet enabled) and for enabled 2FA.
 */
export async function acceptTotp(
  db: Database,
  user: { id: number; totpSecret: string | null },
  code: string,
): Promise<boolean> {
  if (!user.totpSecret) return false;
  const step = matchingStep(user.totpSecret, user.id, code);
  if (step === null) return false;
  const result = await db
    .update(users)
    .set({ totpLastStep: step })
    .where(and(eq(users.id, user.id), or(isNull(users.totpLastStep), lt(users.totpLastStep, step))));
  return affectedRows(result) === 1;
}
