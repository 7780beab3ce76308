/**
 * The OAuth token (phonepe.md §1.2), cached in Redis so every serverless instance shares one token
 * instead of fetching per cold start (PhonePe's checklist forbids a token per request). Refreshed
 * ahead of expiry at min(half-life, expires_at − 5 min); a short Redis lock coalesces refreshes; if a
 * refresh fails while the cached token is still valid, the cached one is used.
 */
import { createHash } from "node:crypto";
import { env } from "../env.js";
import { logger } from "../log.js";
import { redis } from "../redis.js";
import {
  errorForStatus,
  PhonePeAuthenticationError,
  PhonePeConnectionError,
  PhonePeInvalidResponseError,
} from "./errors.js";
import { tokenResponseSchema } from "./schemas.js";

type CachedToken = { authorization: string; refreshAt: number; expiresAt: number };

const EARLY_REFRESH_S = 300;
const LOCK_MS = 5_000;

const cacheKey = () =>
  `phonepe:token:${createHash("sha256")
    .update(`${env.PHONEPE_CLIENT_ID}|${env.PHONEPE_AUTH_BASE_URL}`)
    .digest("hex")
    .slice(0, 24)}`;

async function readCache(): Promise<CachedToken | null> {
  try {
    const raw = await redis.get<CachedToken | string>(cacheKey());
    if (!raw) return null;
    return typeof raw === "string" ? (JSON.parse(raw) as CachedToken) : raw;
  } catch (error) {
    // Redis is a cache here: without it we fetch a token (rarely) rather than fail the payment.
    logger.warn({ err: error }, "phonepe: token cache unreadable");
    return null;
  }
}

async function fetchToken(): Promise<CachedToken> {
  const body = new URLSearchParams({
    client_id: env.PHONEPE_CLIENT_ID,
    client_secret: env.PHONEPE_CLIENT_SECRET,
    client_version: env.PHONEPE_CLIENT_VERSION,
    grant_type: "client_credentials",
  });
  let response: Response;
  try {
    response = await fetch(`${env.PHONEPE_AUTH_BASE_URL}/v1/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body,
      signal: AbortSignal.timeout(env.PHONEPE_TIMEOUT_MS),
    });
  } catch (error) {
    throw new PhonePeConnectionError("PhonePe token request failed", { cause: error });
  }
  const text = await response.text().catch(() => "");
  if (!response.ok) {
    const message = `PhonePe token request failed (${response.status})`;
    // A 4xx here is about our credentials (PhonePe answers bad ones with 400), never about the order or
    // refund the caller is asking after: it must not read as PhonePe rejecting that request.
    const status = response.status;
    if (status >= 400 && status < 500 && status !== 429)
      throw new PhonePeAuthenticationError(message, { httpStatus: status });
    throw errorForStatus(status, message);
  }
  const parsed = tokenResponseSchema.safeParse(safeJson(text));
  if (!parsed.success) throw new PhonePeInvalidResponseError("PhonePe token response has no access_token/expires_at");
  const t = parsed.data;
  const now = Math.floor(Date.now() / 1000);
  const issuedAt = t.issued_at ?? now;
  const refreshAt = Math.min(issuedAt + Math.floor((t.expires_at - issuedAt) / 2), t.expires_at - EARLY_REFRESH_S);
  const token = { authorization: `${t.token_type} ${t.access_token}`, refreshAt, expiresAt: t.expires_at };
  const ttl = t.expires_at - now;
  if (ttl > 0) {
    await redis.set(cacheKey(), JSON.stringify(token), { ex: ttl }).catch((error: unknown) => {
      logger.warn({ err: error }, "phonepe: token cache unwritable");
    });
  }
  return token;
}

export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The `Authorization` header value (`O-Bearer …`) for PG calls. */
export async function getAuthorization(): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const cached = await readCache();
  if (cached && now < cached.refreshAt) return cached.authorization;
  const usable = cached && now < cached.expiresAt ? cached : null;
  const lockKey = `${cacheKey()}:lock`;
  const gotLock = await redis.set(lockKey, "1", { nx: true, px: LOCK_MS }).catch(() => "OK");
  if (!gotLock && usable) return usable.authorization; // someone else is refreshing; ours is still valid
  try {
    return (await fetchToken()).authorization;
  } catch (error) {
    if (usable) {
      logger.warn({ err: error }, "phonepe: token refresh failed; using the still-valid cached token");
      return usable.authorization;
    }
    throw error;
  } finally {
    if (gotLock) await redis.del(lockKey).catch(() => 0);
  }
}

/** Drops the cached token after a 401 so the next call fetches a fresh one. */
export async function invalidateToken(): Promise<void> {
  await redis.del(cacheKey()).catch(() => 0);
}
