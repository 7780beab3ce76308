/** The signed-in user's own sessions: list (with `current`), end one, and log out. */
import { and, desc, eq, gt, isNull, sql } from "drizzle-orm";
import { sessions } from "../../db/schema/sessions.js";
import { recordAudit } from "../audit/index.js";
import { db } from "../db/index.js";
import { AppError } from "../http/errors.js";
import type { ClientInfo } from "./client-info.js";
import type { AuthUser } from "./require-user.js";
import { revokeSession, sessionIdOfRefreshToken } from "./sessions.js";

/** Live sessions of the user, newest activity first. */
export async function listSessions(user: AuthUser) {
  const rows = await db
    .select({
      id: sessions.id,
      deviceInfo: sessions.deviceInfo,
      ipAddress: sessions.ipAddress,
      location: sessions.location,
      createdAt: sessions.createdAt,
      lastUsedAt: sessions.lastUsedAt,
    })
    .from(sessions)
    .where(
      and(eq(sessions.userId, user.id), isNull(sessions.revokedAt), gt(sessions.expiresAt, sql`CURRENT_TIMESTAMP`)),
    )
    .orderBy(desc(sessions.lastUsedAt), desc(sessions.createdAt))
    .limit(100);
  return {
    data: rows.map((r) => ({
      id: r.id,
      deviceInfo: r.deviceInfo,
      ipAddress: r.ipAddress,
      location: r.location,
      createdAt: r.createdAt.toISOString(),
      lastUsedAt: r.lastUsedAt.toISOString(),
      current: r.id === user.sessionId,
    })),
  };
}

async function end(user: AuthUser, sessionId: string, reason: "logout" | "user_revoked", client: ClientInfo) {
  const ended = await revokeSession(db, user.id, sessionId, reason);
  if (ended) {
    await recordAudit(db, {
      actorUserId: user.id,
      action: reason === "logout" ? "session.logout" : "session.revoked",
      entityType: "session",
      entityId: sessionId,
      after: { userId: user.id, revokeReason: reason },
      ip: client.ip,
      userAgent: client.userAgent,
      requestId: client.requestId,
    });
  }
  return ended;
}

/** Ends one of the user's sessions; NOT_FOUND when it is someone else's, unknown or already ended. */
export async function endSession(user: AuthUser, sessionId: string, client: ClientInfo): Promise<void> {
  if (!(await end(user, sessionId, "user_revoked", client))) throw new AppError("NOT_FOUND", "No such session.");
}

/**
 * Ends the current session. A refresh token sent along (e.g. by a client that holds it for another
 * of the user's sessions) ends that session too; someone else's token is ignored.
 */
export async function logout(user: AuthUser, refreshToken: string | undefined, client: ClientInfo): Promise<void> {
  await end(user, user.sessionId, "logout", client);
  const other = refreshToken ? sessionIdOfRefreshToken(refreshToken) : null;
  if (other && other !== user.sessionId) await end(user, other, "logout", client);
}
