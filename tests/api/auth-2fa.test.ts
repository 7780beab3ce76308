import { eq } from "drizzle-orm";
import { Secret, TOTP } from "otpauth";
import { afterAll, describe, expect, it } from "vitest";
import * as disableRoute from "../../api/auth/2fa/disable.js";
import * as enableRoute from "../../api/auth/2fa/enable.js";
import * as setupRoute from "../../api/auth/2fa/setup.js";
import { users } from "../../db/schema/index.js";
import { LOCK_THRESHOLD } from "../../lib/auth/index.js";
import { db, pool } from "../../lib/db/index.js";
import { auditRows } from "../helpers/audit.js";
import { call } from "../helpers/request.js";
import {
  type ApiError,
  login,
  newAccount,
  outboxCode,
  PASSWORD,
  type Pair,
  register,
  sendOtp,
  verifyOtp,
  wrongCode,
} from "./auth-helpers.js";

afterAll(() => pool.end());

const codeAt = (secret: string, offsetSteps = 0) =>
  new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: "SHA1" }).generate({
    timestamp: Date.now() + offsetSteps * 30_000,
  });

/** Lets the next code of the same time window count as new (as if 30 s had passed). */
const forgetLastStep = (id: number) => db.update(users).set({ totpLastStep: null }).where(eq(users.id, id));

/** While `run` runs, the database refuses every audit row with this action (an audit store failure). */
async function withAuditRefused<T>(action: string, run: () => Promise<T>): Promise<T> {
  await pool.query(
    "CREATE TRIGGER test_refuse_audit BEFORE INSERT ON audit_logs FOR EACH ROW" +
      " IF NEW.action = ? THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit refused by the test'; END IF",
    [action],
  );
  try {
    return await run();
  } finally {
    await pool.query("DROP TRIGGER test_refuse_audit");
  }
}

const auditCount = async (id: number, action: string) => (await auditRows(action, id)).length;

async function withTwoFactor() {
  const account = newAccount();
  const id = (await register(account)).body.user.id as number;
  const session = (await login({ identifier: account.username, password: PASSWORD })).body as Pair;
  const setup = await call<{ secret: string; otpauthUrl: string } & ApiError>(setupRoute, {
    method: "POST",
    path: "/api/auth/2fa/setup",
    token: session.accessToken,
  });
  expect(setup.status).toBe(200);
  const enable = (code: string) =>
    call<ApiError>(enableRoute, {
      method: "POST",
      path: "/api/auth/2fa/enable",
      token: session.accessToken,
      body: { code },
    });
  return { ...account, id, session, secret: setup.body.secret, otpauthUrl: setup.body.otpauthUrl, enable };
}

describe("2FA (TOTP)", () => {
  it("setup returns an otpauth URL, stores the secret encrypted, and enable needs a valid code", async () => {
    const a = await withTwoFactor();
    expect(a.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(a.otpauthUrl).toMatch(/^otpauth:\/\/totp\/NexasPay:.+secret=/);
    const [row] = await db.select({ s: users.totpSecret, on: users.totpEnabled }).from(users).where(eq(users.id, a.id));
    expect(row?.s).toBeTruthy();
    expect(row?.s).not.toContain(a.secret);
    expect(row?.on).toBe(false);
    // Until enabled, login needs no code.
    expect((await login({ identifier: a.username, password: PASSWORD })).status).toBe(200);

    const bad = await a.enable(codeAt(a.secret, 5));
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe("OTP_INVALID");
    expect((await a.enable(codeAt(a.secret))).status).toBe(200);
  });

  it("with 2FA on, login without or with a wrong/replayed totp → 401 TOTP_REQUIRED; a fresh code works", async () => {
    const a = await withTwoFactor();
    const enableCode = codeAt(a.secret);
    expect((await a.enable(enableCode)).status).toBe(200);

    const missing = await login({ identifier: a.email, password: PASSWORD });
    expect(missing.status).toBe(401);
    expect(missing.body.error.code).toBe("TOTP_REQUIRED");
    const replayed = await login({ identifier: a.email, password: PASSWORD, totp: enableCode });
    expect(replayed.body.error.code).toBe("TOTP_REQUIRED");
    const wrongPassword = await login({ identifier: a.email, password: "Wrong-password-9", totp: codeAt(a.secret, 1) });
    expect(wrongPassword.body.error.code).toBe("UNAUTHORIZED");

    const ok = await login({ identifier: a.email, password: PASSWORD, totp: codeAt(a.secret, 1) });
    expect(ok.status).toBe(200);
    expect(ok.body.user).toMatchObject({ twoFactorEnabled: true });
  });

  it("OTP login also requires the totp, without burning the SMS code when it is missing", async () => {
    const a = await withTwoFactor();
    expect((await a.enable(codeAt(a.secret))).status).toBe(200);
    await forgetLastStep(a.id);
    // Login codes go only to a verified number: use the code registration sent.
    const verified = await verifyOtp({
      destination: a.phone,
      purpose: "verify_phone",
      code: outboxCode(a.phone, "verify_phone"),
    });
    expect(verified.status).toBe(200);
    await sendOtp({ channel: "sms", destination: a.phone, purpose: "login" });
    const code = outboxCode(a.phone, "login");
    const without = await verifyOtp({ destination: a.phone, purpose: "login", code });
    expect(without.status).toBe(401);
    expect(without.body.error.code).toBe("TOTP_REQUIRED");
    const withTotp = await verifyOtp({ destination: a.phone, purpose: "login", code, totp: codeAt(a.secret) });
    expect(withTotp.status).toBe(200);
  });

  it("OTP login obeys the login lock: refused while locked (code kept), and wrong totps count toward it", async () => {
    const a = await withTwoFactor();
    expect((await a.enable(codeAt(a.secret))).status).toBe(200);
    await forgetLastStep(a.id);
    expect(
      (await verifyOtp({ destination: a.phone, purpose: "verify_phone", code: outboxCode(a.phone, "verify_phone") }))
        .status,
    ).toBe(200);
    await sendOtp({ channel: "sms", destination: a.phone, purpose: "login" });
    const code = outboxCode(a.phone, "login");
    // One failure short of the lock: a wrong totp with the right SMS code locks the account.
    await db
      .update(users)
      .set({ failedLoginCount: LOCK_THRESHOLD - 1 })
      .where(eq(users.id, a.id));
    const wrong = await verifyOtp({ destination: a.phone, purpose: "login", code, totp: wrongCode(codeAt(a.secret)) });
    expect(wrong.status).toBe(423);
    expect(wrong.body.error.code).toBe("ACCOUNT_LOCKED");
    // Locked: even the right SMS code and totp are refused, and the code is not used up.
    const locked = await verifyOtp({ destination: a.phone, purpose: "login", code, totp: codeAt(a.secret) });
    expect(locked.status).toBe(423);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
    await db.update(users).set({ lockedUntil: null }).where(eq(users.id, a.id));
    const ok = await verifyOtp({ destination: a.phone, purpose: "login", code, totp: codeAt(a.secret) });
    expect(ok.status).toBe(200);
    const [row] = await db.select({ n: users.failedLoginCount }).from(users).where(eq(users.id, a.id));
    expect(row?.n).toBe(0);
  });

  it("disable needs both a valid code and the password", async () => {
    const a = await withTwoFactor();
    expect((await a.enable(codeAt(a.secret))).status).toBe(200);
    await forgetLastStep(a.id);
    const disable = (body: unknown) =>
      call<ApiError>(disableRoute, {
        method: "POST",
        path: "/api/auth/2fa/disable",
        token: a.session.accessToken,
        body,
      });
    const wrongPassword = await disable({ code: codeAt(a.secret), password: "Wrong-password-9" });
    expect(wrongPassword.status).toBe(400);
    expect(wrongPassword.body.error.details?.[0]?.path).toBe("password");
    expect((await disable({ code: "000000", password: PASSWORD })).status).toBe(422);
    expect((await disable({ code: codeAt(a.secret), password: PASSWORD })).status).toBe(200);
    const [row] = await db.select({ s: users.totpSecret, on: users.totpEnabled }).from(users).where(eq(users.id, a.id));
    expect(row).toEqual({ s: null, on: false });
    expect((await login({ identifier: a.username, password: PASSWORD })).status).toBe(200);
  });

  it("turning 2FA on or off commits together with its audit row, or not at all", async () => {
    const a = await withTwoFactor();
    const state = async () =>
      (await db.select({ on: users.totpEnabled, s: users.totpSecret }).from(users).where(eq(users.id, a.id)))[0];
    const code = codeAt(a.secret);
    const refusedOn = await withAuditRefused("user.2fa_enabled", () => a.enable(code));
    expect(refusedOn.status).toBe(500);
    expect((await state())?.on).toBe(false);
    expect(await auditCount(a.id, "user.2fa_enabled")).toBe(0);
    // Nothing of the failed attempt stuck, not even the code's use: the same code turns 2FA on now.
    expect((await a.enable(code)).status).toBe(200);
    expect((await state())?.on).toBe(true);
    expect(await auditCount(a.id, "user.2fa_enabled")).toBe(1);

    await forgetLastStep(a.id);
    const disable = () =>
      call<ApiError>(disableRoute, {
        method: "POST",
        path: "/api/auth/2fa/disable",
        token: a.session.accessToken,
        body: { code: codeAt(a.secret), password: PASSWORD },
      });
    const refusedOff = await withAuditRefused("user.2fa_disabled", disable);
    expect(refusedOff.status).toBe(500);
    expect((await state())?.on).toBe(true);
    expect(await auditCount(a.id, "user.2fa_disabled")).toBe(0);
    expect((await disable()).status).toBe(200);
    expect(await state()).toEqual({ on: false, s: null });
    expect(await auditCount(a.id, "user.2fa_disabled")).toBe(1);
  });

  it("wrong passwords on disable count toward the login lockout: the 10th locks the account (423)", async () => {
    const a = await withTwoFactor();
    expect((await a.enable(codeAt(a.secret))).status).toBe(200);
    const disable = (password: string) =>
      call<ApiError>(disableRoute, {
        method: "POST",
        path: "/api/auth/2fa/disable",
        token: a.session.accessToken,
        body: { code: "000000", password },
      });
    for (let i = 0; i < 9; i++) expect((await disable(`Wrong-password-${i}`)).status).toBe(400);
    const tenth = await disable("Wrong-password-10");
    expect(tenth.status).toBe(423);
    expect(tenth.body.error.code).toBe("ACCOUNT_LOCKED");
    expect((await disable(PASSWORD)).status).toBe(423);
    await forgetLastStep(a.id);
    const right = await login({ identifier: a.username, password: PASSWORD, totp: codeAt(a.secret) });
    expect(right.status).toBe(423);
  });
});
