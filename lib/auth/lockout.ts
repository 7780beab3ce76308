/**
 * Soft, auto-expiring account lock after repeated wrong passwords (PCI DSS 8.3.4: at most 10 tries,
 * locked for at least 30 minutes). Counted in the users row with atomic UPDATEs, so concurrent wrong
 * guesses cannot slip past the threshold.
 */
import { and, eq, gte, sql } from "drizzle-orm";
import { users } from "../../db/schema/users.js";
import { ownAccountEntry, recordAudit } from "../audit/index.js";
import { affectedRows, type Database } from "../db/index.js";
import { AppError } from "../http/errors.js";
import type { ClientInfo } from "./client-info.js";

export const LOCK_THRESHOLD = 10;
export const LOCK_MINUTES = 30;

/** Counts one failed login; true when this failure locked the account. */
export async function recordLoginFailure(db: Database, userId: number): Promise<boolean> {
  await db
    .update(users)
    .set({ failedLoginCount: sql`${users.failedLoginCount} + 1` })
    .where(eq(users.id, userId));
  const locked = await db
    .update(users)
    .set({
      lockedUntil: sql`CURRENT_TIMESTAMP + INTERVAL ${sql.raw(String(LOCK_MINUTES))} MINUTE`,
      failedLoginCount: 0,
    })
    .where(and(eq(users.id, userId), gte(users.failedLoginCount, LOCK_THRESHOLD)));
  return affectedRows(locked) === 1;
}

/**
 * A failed credential check (password login, its 2FA code, OTP login's 2FA code, a signed-in password
 * re-check): counted, audited — `user.locked` when this failure locked the account, else `failedAction`
 * — and ACCOUNT_LOCKED thrown if it did. Otherwise the caller answers its own error.
 */
export async function countFailedCheck(
  db: Database,
  userId: number,
  failedAction: string,
  after: Record<string, unknown>,
  client: ClientInfo,
): Promise<void> {
  const locked = await recordLoginFailure(db, userId);
  await recordAudit(db, ownAccountEntry(userId, locked ? "user.locked" : failedAction, client, after));
  if (locked) throw accountLocked(null);
}

/** A successful login (or a password reset) forgets earlier failures (NIST 800-63B §5.2.2). */
export const NO_LOGIN_FAILURES = { failedLoginCount: 0, lockedUntil: null } as const;

export async function clearLoginFailures(db: Database, userId: number): Promise<void> {
  await db.update(users).set(NO_LOGIN_FAILURES).where(eq(users.id, userId));
}

/** Whether a lock set by earlier failures is still in force. */
export const isLocked = (lockedUntil: Date | null): lockedUntil is Date =>
  lockedUntil !== null && lockedUntil.getTime() > Date.now();

/** ACCOUNT_LOCKED with Retry-After until the lock ends. */
export function accountLocked(lockedUntil: Date | null): AppError {
  const seconds = lockedUntil ? Math.max(1, Math.ceil((lockedUntil.getTime() - Date.now()) / 1000)) : LOCK_MINUTES * 60;
  return new AppError(
    "ACCOUNT_LOCKED",
    "Too many failed logins; the account is locked for a while. Try again later or reset the password.",
    {
      headers: { "retry-after": String(seconds) },
    },
  );
}
