/**
 * The password re-check of signed-in actions (password change, 2FA disable). It obeys the login
 * lockout, or a stolen access token would be a password oracle without the 10-try limit.
 */
import { db } from "../db/index.js";
import type { ClientInfo } from "./client-info.js";
import { accountLocked, clearLoginFailures, countFailedCheck, isLocked } from "./lockout.js";
import { verifyPassword } from "./password.js";

type Account = { id: number; password: string; lockedUntil: Date | null };

/**
 * True when `password` is the account's (earlier failures are then forgotten). A wrong one counts as a
 * failed login; ACCOUNT_LOCKED, as login answers it, while the account is locked or when this failure locks it. `via` names the caller in the audit.
 */
export async function confirmPassword(
  user: Account,
  password: string,
  via: "password_change" | "2fa_disable",
  client: ClientInfo,
): Promise<boolean> {
  if (isLocked(user.lockedUntil)) throw accountLocked(user.lockedUntil);
  if (await verifyPassword(password, user.password)) {
    // As a successful login does (NIST 800-63B §5.2.2): earlier typos no longer count toward a lock.
    await clearLoginFailures(db, user.id);
    return true;
  }
  await countFailedCheck(db, user.id, "user.password_check_failed", { reason: "bad_password", via }, client);
  return false;
}
