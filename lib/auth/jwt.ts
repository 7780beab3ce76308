/**
 * Access tokens: jose HS256 JWTs with algorithm, issuer and audience pinned (RFC 8725), a `kid` for key
 * rotation (JWT_PREVIOUS_* stays valid for verification during a rotation), 15-minute lifetime.
 */
import { errors, jwtVerify, SignJWT } from "jose";
import { z } from "zod";
import { USER_ROLES } from "../../db/schema/users.js";
import { env } from "../env.js";

const ALG = "HS256";
const encoder = new TextEncoder();

/**
 * Imported once as non-extractable WebCrypto keys: given raw bytes, jose imports the key again on every
 * sign and verify, which was most of its cost on each authenticated request.
 */
const hmacKey = (secret: string) =>
  crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
const keys = new Map<string, CryptoKey>([[env.JWT_KEY_ID, await hmacKey(env.JWT_SECRET)]]);
if (env.JWT_PREVIOUS_SECRET && env.JWT_PREVIOUS_KEY_ID) {
  keys.set(env.JWT_PREVIOUS_KEY_ID, await hmacKey(env.JWT_PREVIOUS_SECRET));
}

const accessClaimsSchema = z.object({
  sub: z.string().regex(/^\d+$/),
  sid: z.string().min(1),
  role: z.enum(USER_ROLES),
  typ: z.literal("access"),
});

export type AccessClaims = { userId: number; sessionId: string; role: (typeof USER_ROLES)[number] };

export async function signAccessToken(claims: AccessClaims): Promise<{ token: string; expiresIn: number }> {
  const token = await new SignJWT({ sid: claims.sessionId, role: claims.role, typ: "access" })
    .setProtectedHeader({ alg: ALG, kid: env.JWT_KEY_ID, typ: "JWT" })
    .setSubject(String(claims.userId))
    .setIssuer(env.JWT_ISSUER)
    .setAudience(env.JWT_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${env.ACCESS_TOKEN_TTL_SECONDS}s`)
    .sign(keys.get(env.JWT_KEY_ID) as CryptoKey);
  return { token, expiresIn: env.ACCESS_TOKEN_TTL_SECONDS };
}

/**
 * Tokens this process has verified, by their exact bytes. A token's signature, header and claims verify
 * the same way every time while the keys are the same (they change only with a restart), so a repeat
 * use re-checks only what depends on the clock: `exp`. That skips a WebCrypto job per authenticated
 * request (~45 µs of CPU and a hop through libuv's thread pool, which waits for a core on a busy
 * machine). The live session is still looked up on every request (require-user.ts), so revocation is
 * unaffected. Bounded: the oldest entry goes first.
 */
const verified = new Map<string, { claims: AccessClaims; expiresAtMs: number }>();
const VERIFIED_MAX = 10_000;

function remember(token: string, claims: AccessClaims, expiresAtMs: number): void {
  if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value as string);
  verified.set(token, { claims, expiresAtMs });
}

/** Verifies an access token; returns null for anything invalid (bad signature, alg, kid, iss, aud, exp, typ). */
export async function verifyAccessToken(token: string): Promise<AccessClaims | null> {
  const known = verified.get(token);
  if (known) {
    // jose's rule: expired once `exp` <= now in whole seconds, i.e. from exp × 1000 ms on.
    if (Date.now() < known.expiresAtMs) return known.claims;
    verified.delete(token);
    return null;
  }
  try {
    const { payload } = await jwtVerify(
      token,
      (header) => {
        const key = header.kid ? keys.get(header.kid) : undefined;
        if (!key) throw new errors.JWSInvalid("unknown kid");
        return key;
      },
      { algorithms: [ALG], issuer: env.JWT_ISSUER, audience: env.JWT_AUDIENCE, requiredClaims: ["exp", "iat", "sub"] },
    );
    const claims = accessClaimsSchema.safeParse(payload);
    if (!claims.success) return null;
    const access = { userId: Number(claims.data.sub), sessionId: claims.data.sid, role: claims.data.role };
    remember(token, access, (payload.exp as number) * 1000);
    return access;
  } catch {
    return null;
  }
}
