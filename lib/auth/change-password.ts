/**
 * Password change (signed in, knows the current password) and reset (holds a reset grant from a
 * `reset_password` OTP). Both end every session of the user: whoever held a token must log in again.
 */
import { and, eq } from "drizzle-orm";
import { users } from "../../db/schema/users.js";
import { ownAccountEntry, recordAudit } from "../audit/index.js";
import { affectedRows, db, withTransaction } from "../db/index.js";
import { AppError } from "../http/errors.js";
import type { ClientInfo } from "./client-info.js";
import { confirmPassword } from "./confirm-password.js";
import { clearLoginFailures } from "./lockout.js";
import { hashPassword } from "./password.js";
import { passwordFingerprint, verifyResetToken } from "./reset-token.js";
import { revokeAllSessions } from "./sessions.js";

/**
 * Swaps the hash only if it is still `oldHash` (a concurrent change or a second use of one reset
 * grant loses), ends all sessions and audits — in one transaction.
 */
async function replacePassword(
  userId: number,
  oldHash: string,
  newPassword: string,
  reason: "password_changed" | "password_reset",
  client: ClientInfo,
): Promise<boolean> {
  const newHash = await hashPassword(newPassword);
  return withTransaction(async ({ tx }) => {
    const result = await tx
      .update(users)
      .set({ password: newHash })
      .where(and(eq(users.id, userId), eq(users.password, oldHash)));
    if (affectedRows(result) !== 1) return false;
    if (reason === "password_reset") await clearLoginFailures(tx, userId);
    const ended = await revokeAllSessions(tx, userId, reason);
    const action = reason === "password_reset" ? "user.password_reset" : "user.password_changed";
    await recordAudit(tx, ownAccountEntry(userId, action, client, { sessionsEnded: ended }));
    return true;
  });
}

/**
 * Changes the password of a signed-in user; VALIDATION_FAILED when `currentPassword` is wrong (a failed
 * login for the lockout), ACCOUNT_LOCKED while locked.
 */
export async function changePassword(
  userId: number,
  input: { currentPassword: string; newPassword: string },
  client: ClientInfo,
): Promise<void> {
  const [user] = await db
    .select({ id: users.id, password: users.password, lockedUntil: users.lockedUntil })
    .from(users)
    .where(eq(users.id, userId));
  if (!user) throw new AppError("NOT_FOUND", "The account does not exist.");
  if (!(await confirmPassword(user, input.currentPassword, "password_change", client))) {
    throw new AppError("VALIDATION_FAILED", "The current password is incorrect.", {
      details: [{ path: "currentPassword", message: "is incorrect" }],
    });
  }
  if (!(await replacePassword(userId, user.password, input.newPassword, "password_changed", client))) {
    throw new AppError("CONFLICT", "The password was changed concurrently; try again.");
  }
}

/** Sets a new password with a reset grant; the grant dies with the old password hash. */
export async function resetPassword(
  input: { resetToken: string; newPassword: string },
  client: ClientInfo,
): Promise<void> {
  const invalid = () => new AppError("UNAUTHORIZED", "The reset token is invalid, expired or already used.");
  const grant = await verifyResetToken(input.resetToken);
  if (!grant) throw invalid();
  const [user] = await db.select({ password: users.password }).from(users).where(eq(users.id, grant.userId));
  if (!user || passwordFingerprint(user.password) !== grant.fingerprint) throw invalid();
  if (!(await replacePassword(grant.userId, user.password, input.newPassword, "password_reset", client)))
    throw invalid();
}
