/**
 * 2FA lifecycle (POST /api/auth/2fa/setup → enable → disable). Setup stores a new encrypted secret
 * without turning 2FA on; enable needs a valid code from it; disable needs a code and the password.
 */
import { eq } from "drizzle-orm";
import { users } from "../../db/schema/users.js";
import { ownAccountEntry, recordAudit } from "../audit/index.js";
import { db, withTransaction } from "../db/index.js";
import { AppError } from "../http/errors.js";
import type { ClientInfo } from "./client-info.js";
import { confirmPassword } from "./confirm-password.js";
import { acceptTotp, newTotpSecret } from "./totp.js";

const wrongCode = () => new AppError("OTP_INVALID", "The 2FA code is wrong or was already used.");

async function loadUser(userId: number) {
  const [row] = await db
    .select({
      id: users.id,
      email: users.email,
      password: users.password,
      lockedUntil: users.lockedUntil,
      totpEnabled: users.totpEnabled,
      totpSecret: users.totpSecret,
    })
    .from(users)
    .where(eq(users.id, userId));
  if (!row) throw new AppError("NOT_FOUND", "The account does not exist.");
  return row;
}

/** Starts (or restarts) enrolment; CONFLICT when 2FA is already on. */
export async function setupTwoFactor(
  userId: number,
  client: ClientInfo,
): Promise<{ secret: string; otpauthUrl: string }> {
  const user = await loadUser(userId);
  if (user.totpEnabled) throw new AppError("CONFLICT", "2FA is already enabled; disable it first.");
  const secret = newTotpSecret(userId, user.email);
  await withTransaction(async ({ tx }) => {
    await tx.update(users).set({ totpSecret: secret.stored, totpLastStep: null }).where(eq(users.id, userId));
    await recordAudit(tx, ownAccountEntry(userId, "user.2fa_setup_started", client, { twoFactorEnabled: false }));
  });
  return { secret: secret.base32, otpauthUrl: secret.otpauthUrl };
}

/** Turns 2FA on once the user proves their app holds the secret. */
export async function enableTwoFactor(
  userId: number,
  code: string,
  client: ClientInfo,
): Promise<{ twoFactorEnabled: true }> {
  const user = await loadUser(userId);
  if (user.totpEnabled) throw new AppError("CONFLICT", "2FA is already enabled.");
  if (!user.totpSecret) throw new AppError("CONFLICT", "Call POST /api/auth/2fa/setup first.");
  // The code's use, the switch and its audit row commit together: a failure leaves 2FA off, unaudited,
  // and the code still usable.
  await withTransaction(async ({ tx }) => {
    if (!(await acceptTotp(tx, user, code))) throw wrongCode();
    await tx.update(users).set({ totpEnabled: true }).where(eq(users.id, userId));
    await recordAudit(tx, ownAccountEntry(userId, "user.2fa_enabled", client, { twoFactorEnabled: true }));
  });
  return { twoFactorEnabled: true };
}

/**
 * Turns 2FA off; needs both a current code and the password. A wrong password is a failed login for
 * the lockout; ACCOUNT_LOCKED while locked.
 */
export async function disableTwoFactor(
  userId: number,
  input: { code: string; password: string },
  client: ClientInfo,
): Promise<{ twoFactorEnabled: false }> {
  const user = await loadUser(userId);
  if (!user.totpEnabled) throw new AppError("CONFLICT", "2FA is not enabled.");
  if (!(await confirmPassword(user, input.password, "2fa_disable", client))) {
    throw new AppError("VALIDATION_FAILED", "The password is incorrect.", {
      details: [{ path: "password", message: "is incorrect" }],
    });
  }
  // As for enable; the password check above stays outside, so a wrong password counts for the lockout.
  await withTransaction(async ({ tx }) => {
    if (!(await acceptTotp(tx, user, input.code))) throw wrongCode();
    await tx
      .update(users)
      .set({ totpEnabled: false, totpSecret: null, totpLastStep: null })
      .where(eq(users.id, userId));
    await recordAudit(tx, ownAccountEntry(userId, "user.2fa_disabled", client, { twoFactorEnabled: false }));
  });
  return { twoFactorEnabled: false };
}
