/**
 * Password login by e-mail, phone or username (POST /api/auth/login): constant-time for unknown
 * accounts, lockout after repeated failures, TOTP when 2FA is on, then a new session.
 */
import { eq, sql } from "drizzle-orm";
import { users } from "../../db/schema/users.js";
import { recordAudit } from "../audit/index.js";
import { db, withTransaction } from "../db/index.js";
import { AppError } from "../http/errors.js";
import { type Identifier, parseIdentifier } from "../users/fields.js";
import { type Profile, profileColumns, toProfile } from "../users/profile.js";
import type { ClientInfo } from "./client-info.js";
import { accountLocked, countFailedCheck, isLocked, NO_LOGIN_FAILURES } from "./lockout.js";
import { verifyPassword } from "./password.js";
import { startSession, type TokenPair } from "./sessions.js";
import { acceptTotp } from "./totp.js";

export type LoginResult = TokenPair & { user: Profile };

const badCredentials = () => new AppError("UNAUTHORIZED", "The identifier or password is incorrect.");
const COLUMN = { email: users.email, phone: users.phone, username: users.username } as const;

/** The login checks' columns plus the profile, so a successful login answers without reading the row again. */
async function findLoginUser(identifier: Identifier) {
  const [row] = await db
    .select({
      ...profileColumns,
      password: users.password,
      isActive: users.isActive,
      lockedUntil: users.lockedUntil,
      totpSecret: users.totpSecret,
    })
    .from(users)
    .where(eq(COLUMN[identifier.kind], identifier.value));
  return row;
}

/** Checks the credentials (and TOTP) and opens a session. Every outcome is audited. */
export async function login(
  input: { identifier: string; password: string; totp?: string | undefined },
  client: ClientInfo,
): Promise<LoginResult> {
  const user = await findLoginUser(parseIdentifier(input.identifier));
  const audit = (action: string, entityId: number | string, after?: unknown) =>
    recordAudit(db, {
      actorUserId: typeof entityId === "number" ? entityId : null,
      action,
      entityType: "user",
      entityId,
      after,
      ip: client.ip,
      userAgent: client.userAgent,
      requestId: client.requestId,
    });
  if (!user) {
    await verifyPassword(input.password, null);
    await audit("user.login_failed", "unknown", { reason: "unknown_identifier" });
    throw badCredentials();
  }
  if (isLocked(user.lockedUntil)) {
    await audit("user.login_refused_locked", user.id);
    throw accountLocked(user.lockedUntil);
  }
  if (!(await verifyPassword(input.password, user.password))) {
    await countFailedCheck(db, user.id, "user.login_failed", { reason: "bad_password" }, client);
    throw badCredentials();
  }
  if (!user.isActive) {
    await audit("user.login_failed", user.id, { reason: "inactive" });
    throw badCredentials();
  }
  if (user.totpEnabled) {
    if (!input.totp)
      throw new AppError("TOTP_REQUIRED", "This account has 2FA on: send `totp` from your authenticator app.");
    if (!(await acceptTotp(db, user, input.totp))) {
      await countFailedCheck(db, user.id, "user.login_failed", { reason: "bad_totp" }, client);
      throw new AppError("TOTP_REQUIRED", "The 2FA code is wrong or was already used.");
    }
  }
  const pair = await withTransaction(async ({ tx }) => {
    await tx
      .update(users)
      .set({ ...NO_LOGIN_FAILURES, lastLogin: sql`CURRENT_TIMESTAMP` })
      .where(eq(users.id, user.id));
    const session = await startSession(tx, { id: user.id, role: user.role ?? "customer" }, client);
    await recordAudit(tx, {
      actorUserId: user.id,
      action: "user.login",
      entityType: "session",
      entityId: session.sessionId,
      after: { userId: user.id, method: user.totpEnabled ? "password+totp" : "password" },
      ip: client.ip,
      userAgent: client.userAgent,
      requestId: client.requestId,
    });
    return session;
  });
  return {
    accessToken: pair.accessToken,
    refreshToken: pair.refreshToken,
    expiresIn: pair.expiresIn,
    // The login changed no profile column, so the row read above is the profile.
    user: toProfile(user),
  };
}
