import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import * as me from "../../api/me.js";
import { auditLogs, users } from "../../db/schema/index.js";
import { db, pool } from "../../lib/db/index.js";
import { startAtTheNextWindow } from "../helpers/clock.js";
import { createTestUser } from "../helpers/factories.js";
import { call } from "../helpers/request.js";
import { login, newAccount, outboxCode, PASSWORD, randomIp, register, sendOtp, verifyOtp } from "./auth-helpers.js";

afterAll(() => pool.end());

const userRow = async (id: number) => (await db.select().from(users).where(eq(users.id, id)))[0];

describe("POST /api/auth/register", () => {
  it("creates a customer with a user code, normalises the phone, hashes the password and sends a phone OTP", async () => {
    const account = newAccount();
    const res = await register({ ...account, phone: `+91 ${account.phone}`, email: account.email.toUpperCase() });
    expect(res.status).toBe(201);
    const user = res.body.user;
    expect(user).toMatchObject({
      phone: account.phone,
      email: account.email,
      username: account.username,
      role: "customer",
      kycStatus: "pending",
      phoneVerified: false,
      walletBalancePaise: 0,
      parentDistributorId: null,
    });
    expect(user.userCode).toMatch(/^NXP[2-9A-HJ-NP-Z]{8}$/);
    expect(JSON.stringify(res.body)).not.toContain(PASSWORD);
    const row = await userRow(user.id as number);
    expect(row?.password).toMatch(/^\$2[ab]\$04\$/);
    expect(outboxCode(account.phone, "verify_phone")).toMatch(/^\d{6}$/);
    const audit = await db
      .select()
      .from(auditLogs)
      .where(eq(auditLogs.entityId, String(user.id)));
    expect(audit.map((a) => a.action)).toContain("user.registered");
  });

  it("accepts 0- and 91-prefixed phones and rejects non-Indian mobiles", async () => {
    const a = newAccount();
    expect((await register({ ...a, phone: `0${a.phone}` })).body.user?.phone).toBe(a.phone);
    const b = newAccount();
    expect((await register({ ...b, phone: `91${b.phone}` })).body.user?.phone).toBe(b.phone);
    for (const phone of ["5123456789", "98765", "+1 4155550100", "98765432101"]) {
      const res = await register(newAccount({ phone }));
      expect(res.status, phone).toBe(400);
      expect(res.body.error.details?.[0]?.path).toBe("phone");
    }
  });

  it("enforces the password policy (≥ 10 characters, not all one class)", async () => {
    for (const password of ["Short1!", "alllowercaseletters", "1234567890123"]) {
      const res = await register(newAccount({ password }));
      expect(res.status, password).toBe(400);
      expect(res.body.error.code).toBe("VALIDATION_FAILED");
      expect(res.body.error.details?.some((d) => d.path === "password")).toBe(true);
    }
  });

  it("answers 409 CONFLICT naming every duplicate field, case-insensitively", async () => {
    const first = newAccount();
    expect((await register(first)).status).toBe(201);
    const res = await register(
      newAccount({ email: first.email.toUpperCase(), username: first.username.toUpperCase(), phone: first.phone }),
    );
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("CONFLICT");
    expect(res.body.error.details?.map((d) => d.path).sort()).toEqual(["email", "phone", "username"]);
    const onlyPhone = await register(newAccount({ phone: first.phone }));
    expect(onlyPhone.body.error.details?.map((d) => d.path)).toEqual(["phone"]);
  });

  it("lets exactly one of two concurrent registrations with the same e-mail win", async () => {
    const email = newAccount().email;
    const results = await Promise.all([register(newAccount({ email })), register(newAccount({ email }))]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
  });

  it("places a referred user as a retailer under the distributor; unknown or non-distributor codes → 400", async () => {
    const distributor = await createTestUser({ role: "distributor" });
    const res = await register(newAccount({ referralCode: distributor.userCode.toLowerCase() }));
    expect(res.status).toBe(201);
    expect(res.body.user).toMatchObject({ role: "retailer", parentDistributorId: distributor.id });

    const customer = await createTestUser({ role: "customer" });
    for (const referralCode of ["NXPNOSUCH1", customer.userCode]) {
      const bad = await register(newAccount({ referralCode }));
      expect(bad.status).toBe(400);
      expect(bad.body.error.details?.[0]?.path).toBe("referralCode");
    }
  });

  it("rejects unknown fields such as role (strict schema)", async () => {
    const res = await register({ ...newAccount(), role: "admin" });
    expect(res.status).toBe(400);
    expect(res.body.error.details?.[0]?.path).toBe("role");
  });

  it("refuses a username shaped like a user code (NXP…), which a payer could mistake for one", async () => {
    const res = await register({ ...newAccount(), username: "NxpK7M2Q9X4" });
    expect(res.status).toBe(400);
    expect(res.body.error.details?.[0]).toMatchObject({ path: "username", message: expect.stringContaining("nxp") });
  });
});

describe("POST /api/auth/login", () => {
  async function registered() {
    const account = newAccount();
    const res = await register(account);
    return { ...account, id: res.body.user.id as number };
  }

  it("logs in by e-mail, phone (any spelling) or username and returns a token pair with the profile", async () => {
    const a = await registered();
    for (const identifier of [a.email.toUpperCase(), `+91${a.phone}`, a.username]) {
      const res = await login({ identifier, password: PASSWORD }, randomIp(), {
        "user-agent": "Pixel 8 / NexasPay 1.0",
      });
      expect(res.status, identifier).toBe(200);
      expect(res.body.accessToken.split(".")).toHaveLength(3);
      expect(res.body.refreshToken).toMatch(/^nxr_ses_/);
      expect(res.body.expiresIn).toBe(900);
      expect(res.body.user.id).toBe(a.id);
    }
  });

  it("answers the same 401 for a wrong password and an unknown account", async () => {
    const a = await registered();
    const wrong = await login({ identifier: a.username, password: "Wrong-password-1" });
    const unknown = await login({ identifier: "nobody_here_x", password: "Wrong-password-1" });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.error.message).toBe(unknown.body.error.message);
  });

  it("locks the account after 10 failures (423 ACCOUNT_LOCKED with Retry-After, even with the right password)", async () => {
    const a = await registered();
    for (let i = 0; i < 9; i++) {
      expect((await login({ identifier: a.email, password: `Wrong-pass-${i}x` })).status).toBe(401);
    }
    const tenth = await login({ identifier: a.email, password: "Wrong-pass-10x" });
    expect(tenth.status).toBe(423);
    expect(tenth.body.error.code).toBe("ACCOUNT_LOCKED");
    const right = await login({ identifier: a.email, password: PASSWORD });
    expect(right.status).toBe(423);
    expect(Number(right.headers.get("retry-after"))).toBeGreaterThan(25 * 60);
    const actions = (
      await db
        .select()
        .from(auditLogs)
        .where(eq(auditLogs.entityId, String(a.id)))
    ).map((r) => r.action);
    expect(actions).toContain("user.locked");
    expect(actions.filter((x) => x === "user.login_failed")).toHaveLength(9);
    // The lock expires by itself: once it has passed, the right password works and the count restarts.
    await db
      .update(users)
      .set({ lockedUntil: new Date(Date.now() - 1000) })
      .where(eq(users.id, a.id));
    expect((await login({ identifier: a.email, password: PASSWORD })).status).toBe(200);
    expect((await userRow(a.id))?.failedLoginCount).toBe(0);
  });

  it("a success resets the failure count", async () => {
    const a = await registered();
    for (let i = 0; i < 5; i++) await login({ identifier: a.username, password: `Wrong-pass-${i}x` });
    expect((await userRow(a.id))?.failedLoginCount).toBe(5);
    expect((await login({ identifier: a.username, password: PASSWORD })).status).toBe(200);
    expect((await userRow(a.id))?.failedLoginCount).toBe(0);
  });

  it("rate-limits per identifier (429 with Retry-After) across many IPs", async () => {
    startAtTheNextWindow("loginPerIdentifier");
    const a = await registered();
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      const res = await login({ identifier: `unknown_${a.username}`, password: "Wrong-password-1" });
      statuses.push(res.status);
      if (res.status === 429) expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    }
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses[20]).toBe(429);
  });

  it("verifies the e-mail with an e-mail OTP (a phone code cannot verify the e-mail)", async () => {
    const a = await registered();
    expect((await sendOtp({ channel: "email", destination: a.email, purpose: "verify_email" })).status).toBe(202);
    const phoneCode = outboxCode(a.phone, "verify_phone");
    const mailCode = outboxCode(a.email, "verify_email");
    if (phoneCode !== mailCode) {
      expect((await verifyOtp({ destination: a.email, purpose: "verify_email", code: phoneCode })).status).toBe(422);
    }
    const res = await verifyOtp({ destination: a.email.toUpperCase(), purpose: "verify_email", code: mailCode });
    expect(res.status).toBe(200);
    const row = await userRow(a.id);
    expect(row).toMatchObject({ emailVerified: true, phoneVerified: false });
  });

  it("a role change in the database applies to existing tokens at once (requireUser reads the live role)", async () => {
    const a = await registered();
    const session = (await login({ identifier: a.username, password: PASSWORD })).body;
    const meRes = await call<{ role: string }>(me, { path: "/api/me", token: session.accessToken });
    expect(meRes.body.role).toBe("customer");
    await db.update(users).set({ role: "distributor" }).where(eq(users.id, a.id));
    const after = await call<{ role: string }>(me, { path: "/api/me", token: session.accessToken });
    expect(after.body.role).toBe("distributor");
  });

  it("verifies the phone with the registration OTP", async () => {
    const a = await registered();
    const res = await verifyOtp({
      destination: a.phone,
      purpose: "verify_phone",
      code: outboxCode(a.phone, "verify_phone"),
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ verified: true });
    expect((await userRow(a.id))?.phoneVerified).toBe(true);
  });
});
