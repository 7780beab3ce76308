/**
 * `POST /api/auth/otp/verify`: uses up a code and does what its purpose grants — marks the phone or
 * e-mail verified, opens a session (OTP login; 2FA still applies), or issues a password-reset grant.
 */
import { eq, sql } from "drizzle-orm";
import type { OtpPurpose } from "../../db/schema/otp-codes.js";
import { users } from "../../db/schema/users.js";
import { recordAudit } from "../audit/index.js";
import type { ClientInfo } from "../auth/client-info.js";
import { accountLocked, countFailedCheck, isLocked, NO_LOGIN_FAILURES } from "../auth/lockout.js";
import { signResetToken } from "../auth/reset-token.js";
import { startSession, type TokenPair } from "../auth/sessions.js";
import { acceptTotp } from "../auth/totp.js";
import { db, withTransaction } from "../db/index.js";
import { AppError } from "../http/errors.js";
import { type Profile, toProfile } from "../users/profile.js";
import { consumeOtp } from "./consume-otp.js";
import { type Destination, destinationVerified, findUserByDestination, OPENS_ACCOUNT } from "./destination.js";

export type VerifyOtpResult = { verified: true } | (TokenPair & { user: Profile }) | { resetToken: string };

type Input = { destination: Destination; purpose: OtpPurpose; code: string; totp?: string | undefined };

/** Verifies the code for its purpose; OTP_INVALID for a wrong, expired, used or burned code. */
export async function verifyOtp(input: Input, client: ClientInfo): Promise<VerifyOtpResult> {
  const account = await findUserByDestination(db, input.destination);
  // A code for an unverified destination is never sent for login or reset; one sent before it stopped
  // being eligible (or before this rule) opens nothing either.
  if (
    !account?.isActive ||
    (OPENS_ACCOUNT.has(input.purpose) && !destinationVerified(account, input.destination.channel))
  )
    throw new AppError("OTP_INVALID", "The code is wrong, expired or already used. Request a new one.");
  const audit = (action: string, entityType: string, entityId: string | number, after?: unknown) => ({
    actorUserId: account.id,
    action,
    entityType,
    entityId,
    after,
    ip: client.ip,
    userAgent: client.userAgent,
    requestId: client.requestId,
  });
  // An OTP login obeys the password login's lock (a SIM swap must not become a way round it). A reset
  // stays open: it is how the owner gets back in.
  if (input.purpose === "login" && isLocked(account.lockedUntil)) {
    await recordAudit(db, audit("user.login_refused_locked", "user", account.id));
    throw accountLocked(account.lockedUntil);
  }
  // 2FA is checked before the code is used up, so a missing `totp` costs the user one of the code's
  // tries, not the code. A wrong one counts toward the lock, as at password login.
  const twoFactor =
    input.purpose === "login" && account.totpEnabled
      ? async () => {
          if (!input.totp)
            throw new AppError("TOTP_REQUIRED", "This account has 2FA on: send `totp` from your authenticator app.");
          if (!(await acceptTotp(db, account, input.totp))) {
            await countFailedCheck(db, account.id, "user.login_failed", { reason: "bad_totp" }, client);
            throw new AppError("TOTP_REQUIRED", "The 2FA code is wrong or was already used.");
          }
        }
      : undefined;
  const otp = { destination: input.destination.value, purpose: input.purpose, code: input.code };
  const { userId } = await consumeOtp(db, otp, twoFactor);
  if (userId !== account.id) throw new AppError("OTP_INVALID", "The code is wrong, expired or already used.");

  switch (input.purpose) {
    case "verify_phone":
    case "verify_email": {
      const column = input.purpose === "verify_phone" ? { phoneVerified: true } : { emailVerified: true };
      await withTransaction(async ({ tx }) => {
        await tx.update(users).set(column).where(eq(users.id, userId));
        await recordAudit(
          tx,
          audit(`user.${input.purpose === "verify_phone" ? "phone" : "email"}_verified`, "user", userId, column),
        );
      });
      return { verified: true };
    }
    case "login": {
      const session = await withTransaction(async ({ tx }) => {
        await tx
          .update(users)
          .set({ ...NO_LOGIN_FAILURES, lastLogin: sql`CURRENT_TIMESTAMP` })
          .where(eq(users.id, userId));
        const started = await startSession(tx, { id: userId, role: account.role ?? "customer" }, client);
        await recordAudit(tx, audit("user.login", "session", started.sessionId, { userId, method: "otp" }));
        return started;
      });
      const { accessToken, refreshToken, expiresIn } = session;
      // The login changed no profile column, so the account row read above is the profile.
      return { accessToken, refreshToken, expiresIn, user: toProfile(account) };
    }
    case "reset_password": {
      await recordAudit(db, audit("user.password_reset_authorized", "user", userId));
      return { resetToken: await signResetToken(userId, account.password) };
    }
  }
}
