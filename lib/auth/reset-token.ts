/**
 * Password-reset grants (`resetToken` from a `reset_password` OTP): a 15-minute jose JWT with its own
 * `typ` and audience (RFC 8725 §3.11, so it can never pass as an access token), bound to a fingerprint
 * of the current password hash. Changing the password changes the fingerprint, which makes the token
 * single-use without storing it.
 */
import { errors, jwtVerify, SignJWT } from "jose";
import { z } from "zod";
import { env } from "../env.js";
import { sha256Hex } from "./secrets.js";

const ALG = "HS256";
const TYP = "pwreset";
const AUDIENCE = `${env.JWT_AUDIENCE}:password-reset`;
const TTL_SECONDS = 15 * 60;
const key = new TextEncoder().encode(env.JWT_SECRET);

const claimsSchema = z.object({ sub: z.string().regex(/^\d+$/), pwf: z.string().length(32), typ: z.literal(TYP) });

export const passwordFingerprint = (passwordHash: string): string => sha256Hex(passwordHash).slice(0, 32);

/** Signs a reset grant for a user whose password hash is `passwordHash` now. */
export function signResetToken(userId: number, passwordHash: string): Promise<string> {
  return new SignJWT({ pwf: passwordFingerprint(passwordHash), typ: TYP })
    .setProtectedHeader({ alg: ALG, kid: env.JWT_KEY_ID, typ: TYP })
    .setSubject(String(userId))
    .setIssuer(env.JWT_ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${TTL_SECONDS}s`)
    .sign(key);
}

/** The user and password fingerprint a reset token names, or null when it is invalid or expired. */
export async function verifyResetToken(token: string): Promise<{ userId: number; fingerprint: string } | null> {
  try {
    const { payload } = await jwtVerify(
      token,
      (header) => {
        if (header.kid !== env.JWT_KEY_ID) throw new errors.JWSInvalid("unknown kid");
        return key;
      },
      { algorithms: [ALG], issuer: env.JWT_ISSUER, audience: AUDIENCE, requiredClaims: ["exp", "sub"] },
    );
    const claims = claimsSchema.safeParse(payload);
    return claims.success ? { userId: Number(claims.data.sub), fingerprint: claims.data.pwf } : null;
  } catch {
    return null;
  }
}
