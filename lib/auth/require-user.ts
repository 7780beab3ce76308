/**
 * Authentication and role checks for routes, declared in one place:
 * `const user = await requireUser(ctx, { roles: ["admin"] })`. 401 when the token is missing or invalid,
 * or its session is revoked/expired, or the user is inactive; 403 when the role may not call the route.
 * Row ownership is checked in services and answers 404.
 */
import { eq, sql } from "drizzle-orm";
import { sessions } from "../../db/schema/sessions.js";
import { type KycStatus, type UserRole, users } from "../../db/schema/users.js";
import { db } from "../db/index.js";
import { AppError } from "../http/errors.js";
import type { RouteContext } from "../http/route.js";
import { assertRateLimit, type PolicyName } from "../ratelimit/index.js";
import { verifyAccessToken } from "./jwt.js";

/** `kycStatus` is the user row's as this request read it (checks that must hold under a lock re-read it). */
export type AuthUser = { id: number; role: UserRole; sessionId: string; kycStatus: KycStatus | null };

const BEARER = /^Bearer ([A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]*)$/;

/**
 * The live state behind a verified token: one primary-key lookup joined to the user. The role comes
 * from the database, so a demotion or deactivation takes effect immediately, not after 15 minutes.
 */
const liveSessionQuery = db
  .select({
    userId: sessions.userId,
    revokedAt: sessions.revokedAt,
    expiresAt: sessions.expiresAt,
    role: users.role,
    kycStatus: users.kycStatus,
    isActive: users.isActive,
  })
  .from(sessions)
  .innerJoin(users, eq(users.id, sessions.userId))
  .where(eq(sessions.id, sql.placeholder("sessionId")))
  .limit(1)
  // Built once: this runs on every authenticated request, and building the query was most of its CPU.
  .prepare();

async function liveSession(
  sessionId: string,
  userId: number,
): Promise<{ role: UserRole; kycStatus: KycStatus | null } | null> {
  const [row] = await liveSessionQuery.execute({ sessionId });
  if (!row || row.userId !== userId || row.revokedAt || !row.isActive) return null;
  if (row.expiresAt.getTime() <= Date.now()) return null;
  return { role: row.role ?? "customer", kycStatus: row.kycStatus };
}

export type RequireUserOptions = {
  roles?: readonly UserRole[];
  /**
   * A per-user rate-limit policy, checked (for the token's user) in parallel with the live-session
   * lookup instead of after it: one network wait fewer on every read. The signature is verified
   * first, so only a genuine token spends its user's budget; a dead session still answers 401.
   */
  rateLimit?: PolicyName;
};

export async function requireUser(ctx: RouteContext, options: RequireUserOptions = {}): Promise<AuthUser> {
  return (await requireUserWith(ctx, options, () => Promise.resolve(undefined))).user;
}

/**
 * `requireUser` for a read of the caller's own data: `read(userId)` starts once the token's signature is
 * verified, alongside the live-session lookup and the rate limit, and its result is handed back only
 * after both pass — a dead session still answers 401 and an exhausted budget 429, and nothing read
 * leaves the process; an error of the read itself (a 400 for its query) comes after them too. One
 * database wait fewer on the critical path of the wallet reads.
 */
export async function requireUserWith<T>(
  ctx: RouteContext,
  options: RequireUserOptions,
  read: (userId: number) => Promise<T>,
): Promise<{ user: AuthUser; value: T }> {
  const match = BEARER.exec(ctx.request.headers.get("authorization") ?? "");
  const claims = match?.[1] ? await verifyAccessToken(match[1]) : null;
  if (!claims) throw new AppError("UNAUTHORIZED", "A valid access token is required.");
  const limited = options.rateLimit ? assertRateLimit(options.rateLimit, String(claims.userId)) : undefined;
  // Inside an async function, so a read that throws at once (e.g. a bad query parsed in it) still
  // reports after the auth checks.
  const reading = (async () => read(claims.userId))();
  // Observed below; without this a rejection landing before the session answers is briefly unhandled.
  limited?.catch(() => {});
  reading.catch(() => {});
  const live = await liveSession(claims.sessionId, claims.userId);
  if (!live) throw new AppError("UNAUTHORIZED", "A valid access token is required.");
  await limited;
  const user: AuthUser = {
    id: claims.userId,
    role: live.role,
    sessionId: claims.sessionId,
    kycStatus: live.kycStatus,
  };
  ctx.annotate({ userId: user.id });
  if (options.roles && !options.roles.includes(user.role)) {
    throw new AppError("FORBIDDEN", "Your role may not perform this action.");
  }
  return { user, value: await reading };
}
