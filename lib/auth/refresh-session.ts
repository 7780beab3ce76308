/**
 * Refresh-token rotation (RFC 9700 §4.14.2), strict single use: each refresh swaps the session's token
 * hash with a conditional UPDATE on the old hash, so of N concurrent refreshes with one token exactly
 * one wins. Presenting any token of a session other than its current one — a replayed old token, or
 * the loser of such a race — revokes the whole session: the server cannot tell thief from owner.
 * Clients must therefore serialise their refreshes.
 */
import { and, eq, isNull, sql } from "drizzle-orm";
import { sessions } from "../../db/schema/sessions.js";
import { users } from "../../db/schema/users.js";
import { recordAudit } from "../audit/index.js";
import { affectedRows, db } from "../db/index.js";
import { AppError } from "../http/errors.js";
import { logger } from "../log.js";
import type { ClientInfo } from "./client-info.js";
import { signAccessToken } from "./jwt.js";
import { sameDigest, sha256Hex } from "./secrets.js";
import { newRefreshToken, refreshExpiry, revokeSession, sessionIdOfRefreshToken, type TokenPair } from "./sessions.js";

const invalid = () => new AppError("UNAUTHORIZED", "The refresh token is invalid, expired or revoked.");

/** Exchanges a refresh token for a new pair; the presented token is dead afterwards. */
export async function refreshSession(refreshToken: string, client: ClientInfo): Promise<TokenPair> {
  const sessionId = sessionIdOfRefreshToken(refreshToken);
  if (!sessionId) throw invalid();
  const presented = sha256Hex(refreshToken);
  const [row] = await db
    .select({
      userId: sessions.userId,
      hash: sessions.refreshTokenHash,
      expiresAt: sessions.expiresAt,
      revokedAt: sessions.revokedAt,
      role: users.role,
      isActive: users.isActive,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.id, sessionId));
  if (!row || row.revokedAt || row.expiresAt.getTime() <= Date.now() || !row.isActive) throw invalid();
  if (!sameDigest(row.hash, presented)) {
    await revokeForReuse(row.userId, sessionId, client);
    throw invalid();
  }
  const next = newRefreshToken(sessionId);
  const result = await db
    .update(sessions)
    .set({
      refreshTokenHash: sha256Hex(next),
      lastUsedAt: sql`CURRENT_TIMESTAMP`,
      expiresAt: refreshExpiry(),
      ipAddress: client.ip,
    })
    .where(and(eq(sessions.id, sessionId), eq(sessions.refreshTokenHash, presented), isNull(sessions.revokedAt)));
  if (affectedRows(result) !== 1) {
    // Another request rotated this token first: this presentation is a reuse.
    await revokeForReuse(row.userId, sessionId, client);
    throw invalid();
  }
  const role = row.role ?? "customer";
  const { token, expiresIn } = await signAccessToken({ userId: row.userId, role, sessionId });
  return { accessToken: token, refreshToken: next, expiresIn };
}

async function revokeForReuse(userId: number, sessionId: string, client: ClientInfo): Promise<void> {
  if (!(await revokeSession(db, userId, sessionId, "refresh_reuse"))) return;
  logger.warn({ userId, sessionId, requestId: client.requestId }, "refresh token reuse: session revoked");
  await recordAudit(db, {
    actorUserId: null,
    action: "session.refresh_reuse_revoked",
    entityType: "session",
    entityId: sessionId,
    after: { userId, revokeReason: "refresh_reuse" },
    ip: client.ip,
    userAgent: client.userAgent,
    requestId: client.requestId,
  });
}
