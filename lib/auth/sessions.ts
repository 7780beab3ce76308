/**
 * Login sessions: one row per device, an opaque refresh token `nxr_<sessionId>.<secret>` stored as
 * SHA-256, and a jose access token whose `sid` names the session. Used by login (password or OTP),
 * refresh, logout and the session list.
 */
import { and, eq, isNull, sql } from "drizzle-orm";
import { sessions } from "../../db/schema/sessions.js";
import type { UserRole } from "../../db/schema/users.js";
import { affectedRows, type Database } from "../db/index.js";
import { env } from "../env.js";
import { newId } from "../ids.js";
import type { ClientInfo } from "./client-info.js";
import { signAccessToken } from "./jwt.js";
import { randomSecret, sha256Hex } from "./secrets.js";

export type TokenPair = { accessToken: string; refreshToken: string; expiresIn: number };
export type RevokeReason = NonNullable<(typeof sessions.$inferSelect)["revokeReason"]>;

const REFRESH_TOKEN_RE = /^nxr_(ses_[A-Za-z0-9_-]{16})\.[A-Za-z0-9_-]{43}$/;

/** The session id a refresh token claims, or null when the token is not of our shape. */
export function sessionIdOfRefreshToken(token: string): string | null {
  return REFRESH_TOKEN_RE.exec(token)?.[1] ?? null;
}

export const newRefreshToken = (sessionId: string): string => `nxr_${sessionId}.${randomSecret()}`;

/** Now + the refresh lifetime: sessions expire after this much inactivity. */
export const refreshExpiry = (): Date => new Date(Date.now() + env.REFRESH_TOKEN_TTL_DAYS * 86_400_000);

/** Creates a session for a user that has just authenticated and returns its first token pair. */
export async function startSession(
  db: Database,
  user: { id: number; role: UserRole },
  client: ClientInfo,
): Promise<TokenPair & { sessionId: string }> {
  const sessionId = newId("ses");
  const refreshToken = newRefreshToken(sessionId);
  const now = new Date();
  await db.insert(sessions).values({
    id: sessionId,
    userId: user.id,
    refreshTokenHash: sha256Hex(refreshToken),
    deviceInfo: client.userAgent,
    ipAddress: client.ip,
    location: client.location,
    lastUsedAt: now,
    expiresAt: refreshExpiry(),
  });
  const { token, expiresIn } = await signAccessToken({ userId: user.id, role: user.role, sessionId });
  return { accessToken: token, refreshToken, expiresIn, sessionId };
}

/** Revokes one live session of a user; returns false when it is not theirs or already ended. */
export async function revokeSession(
  db: Database,
  userId: number,
  sessionId: string,
  reason: RevokeReason,
): Promise<boolean> {
  const result = await db
    .update(sessions)
    .set({ revokedAt: sql`CURRENT_TIMESTAMP`, revokeReason: reason })
    .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId), isNull(sessions.revokedAt)));
  return affectedRows(result) === 1;
}

/** Revokes every live session of a user (password change/reset). */
export async function revokeAllSessions(db: Database, userId: number, reason: RevokeReason): Promise<number> {
  const result = await db
    .update(sessions)
    .set({ revokedAt: sql`CURRENT_TIMESTAMP`, revokeReason: reason })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)));
  return affectedRows(result);
}
