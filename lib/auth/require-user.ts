/**
 * Authentication and role checks for routes, declared in one place:
 * `const user = await requireUser(ctx, { roles: ["admin"] })`. 401 when the token is missing or invalid,
 * 403 when the role may not call the route. Row ownership is checked in services and answers 404.
 */
import type { UserRole } from "../../db/schema/users.js";
import { AppError } from "../http/errors.js";
import type { RouteContext } from "../http/route.js";
import { verifyAccessToken } from "./jwt.js";

export type AuthUser = { id: number; role: UserRole; sessionId: string };

const BEARER = /^Bearer ([A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]*)$/;

export async function requireUser(ctx: RouteContext, options: { roles?: readonly UserRole[] } = {}): Promise<AuthUser> {
  const match = BEARER.exec(ctx.request.headers.get("authorization") ?? "");
  const claims = match?.[1] ? await verifyAccessToken(match[1]) : null;
  if (!claims) throw new AppError("UNAUTHORIZED", "A valid access token is required.");
  const user: AuthUser = { id: claims.userId, role: claims.role, sessionId: claims.sessionId };
  ctx.annotate({ userId: user.id });
  if (options.roles && !options.roles.includes(user.role)) {
    throw new AppError("FORBIDDEN", "Your role may not perform this action.");
  }
  return user;
}
