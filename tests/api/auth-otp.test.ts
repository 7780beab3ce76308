import { and, desc, eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import * as resetRoute from "../../api/auth/password/reset.js";
import * as me from "../../api/me.js";
import { otpCodes, users } from "../../db/schema/index.js";
import { db, pool } from "../../lib/db/index.js";
import { AppError } from "../../lib/http/errors.js";
import { readOutbox } from "../../lib/notify/index.js";
import { consumeOtp, hashOtp } from "../../lib/otp/index.js";
import { redis } from "../../lib/redis.js";
import { startAtTheNextWindow } from "../helpers/clock.js";
import { call } from "../helpers/request.js";
import {
  type ApiError,
  login,
  newAccount,
  outboxCode,
  PASSWORD,
  type Pair,
  randomIp,
  register,
  sendOtp,
  verifyOtp,
  wrongCode,
} from "./auth-helpers.js";

afterAll(() => pool.end());

async function registered() {
  const account = newAccount();
  const res = await register(account);
  expect(res.status).toBe(201);
  return { ...account, id: res.body.user.id as number, phoneCode: outboxCode(account.phone, "verify_phone") };
}

/** Proves a contact is the account's (the verify_* flow): login and reset codes go only to such. */
async function verifyContact(destination: string, channel: "sms" | "email") {
  const purpose = channel === "sms" ? "verify_phone" : "verify_email";
  expect((await sendOtp({ channel, destination, purpose })).status).toBe(202);
  expect((await verifyOtp({ destination, purpose, code: outboxCode(destination, purpose) })).status).toBe(200);
}

const phoneVerified = async (id: number) =>
  (await db.select({ v: users.phoneVerified }).from(users).where(eq(users.id, id)))[0]?.v;

describe("OTP verification limits", () => {
  it("burns the code on the 5th wrong guess: the 6th guess fails even with the right code", async () => {
    const a = await registered();
    for (let i = 0; i < 5; i++) {
      const res = await verifyOtp({ destination: a.phone, purpose: "verify_phone", code: wrongCode(a.phoneCode) });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe("OTP_INVALID");
    }
    const sixth = await verifyOtp({ destination: a.phone, purpose: "verify_phone", code: a.phoneCode });
    expect(sixth.status).toBe(422);
    expect(await phoneVerified(a.id)).toBe(false);
  });

  it("four wrong guesses still leave the right code usable", async () => {
    const a = await registered();
    for (let i = 0; i < 4; i++) {
      await verifyOtp({ destination: a.phone, purpose: "verify_phone", code: wrongCode(a.phoneCode) });
    }
    expect((await verifyOtp({ destination: a.phone, purpose: "verify_phone", code: a.phoneCode })).status).toBe(200);
    expect(await phoneVerified(a.id)).toBe(true);
  });

  it("concurrent wrong guesses cannot exceed 5 attempts", async () => {
    const a = await registered();
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        verifyOtp({
          destination: a.phone,
          purpose: "verify_phone",
          code: String((Number(a.phoneCode) + i + 1) % 1e6).padStart(6, "0"),
        }),
      ),
    );
    const [row] = await db.select().from(otpCodes).where(eq(otpCodes.destination, a.phone)).orderBy(desc(otpCodes.id));
    expect(row?.attempts).toBe(5);
    expect((await verifyOtp({ destination: a.phone, purpose: "verify_phone", code: a.phoneCode })).status).toBe(422);
  });

  // A wrong guess leaves no trace but `attempts`, so the right code stands in for the guesses: its
  // `beforeConsume` runs once per comparison and refuses (as a 2FA check would), which spends no code.
  it("20 concurrent tries get exactly 5 comparisons; then the code is spent, even for the right code", async () => {
    const a = await registered();
    const otp = { destination: a.phone, purpose: "verify_phone" as const, code: a.phoneCode };
    let compared = 0;
    const refuse = async () => {
      compared++;
      throw new AppError("TOTP_REQUIRED", "refused by the test");
    };
    const tries = await Promise.allSettled(Array.from({ length: 20 }, () => consumeOtp(db, otp, refuse)));
    expect(tries.every((t) => t.status === "rejected")).toBe(true);
    expect(compared).toBe(5);
    const [row] = await db.select().from(otpCodes).where(eq(otpCodes.destination, a.phone));
    expect(row?.attempts).toBe(5);
    await expect(consumeOtp(db, otp)).rejects.toMatchObject({ code: "OTP_INVALID" });
  });

  it("the right code counts as a try: used once on the 5th try after 4 refused ones", async () => {
    const a = await registered();
    const otp = { destination: a.phone, purpose: "verify_phone" as const, code: a.phoneCode };
    const refuse = async () => {
      throw new AppError("TOTP_REQUIRED", "refused by the test");
    };
    for (let i = 0; i < 4; i++)
      await expect(consumeOtp(db, otp, refuse)).rejects.toMatchObject({ code: "TOTP_REQUIRED" });
    expect(await consumeOtp(db, otp)).toEqual({ userId: a.id });
    await expect(consumeOtp(db, otp)).rejects.toMatchObject({ code: "OTP_INVALID" });
  });

  it("rejects the right code after 10 minutes", async () => {
    const a = await registered();
    await db
      .update(otpCodes)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(and(eq(otpCodes.destination, a.phone), eq(otpCodes.purpose, "verify_phone")));
    expect((await verifyOtp({ destination: a.phone, purpose: "verify_phone", code: a.phoneCode })).status).toBe(422);
  });

  it("a code is single use, and a newer code replaces the older one", async () => {
    const a = await registered();
    expect((await verifyOtp({ destination: a.phone, purpose: "verify_phone", code: a.phoneCode })).status).toBe(200);
    expect((await sendOtp({ channel: "sms", destination: a.phone, purpose: "login" })).status).toBe(202);
    const first = outboxCode(a.phone, "login");
    expect((await sendOtp({ channel: "sms", destination: a.phone, purpose: "login" })).status).toBe(202);
    const second = outboxCode(a.phone, "login");
    if (first !== second) {
      expect((await verifyOtp({ destination: a.phone, purpose: "login", code: first })).status).toBe(422);
    }
    const ok = await verifyOtp({ destination: `+91${a.phone}`, purpose: "login", code: second });
    expect(ok.status).toBe(200);
    const pair = ok.body as unknown as Pair;
    expect((await call(me, { path: "/api/me", token: pair.accessToken })).status).toBe(200);
    expect((await verifyOtp({ destination: a.phone, purpose: "login", code: second })).status).toBe(422);
  });

  it("only the newest code is live: once it is burned, an older code left live by racing sends is refused", async () => {
    const a = await registered();
    // What two concurrent sends can leave: two unconsumed codes (each retired the other's predecessor).
    const issue = (code: string) =>
      db.insert(otpCodes).values({
        destination: a.phone,
        purpose: "login",
        codeHash: hashOtp(a.phone, "login", code),
        userId: a.id,
        expiresAt: new Date(Date.now() + 600_000),
      });
    await issue("111111");
    await issue("222222");
    const otp = (code: string) => consumeOtp(db, { destination: a.phone, purpose: "login", code });
    for (let i = 0; i < 5; i++) await expect(otp("999999")).rejects.toMatchObject({ code: "OTP_INVALID" });
    // The newest is burned; the older one must not become the live code.
    await expect(otp("111111")).rejects.toMatchObject({ code: "OTP_INVALID" });
    await expect(otp("222222")).rejects.toMatchObject({ code: "OTP_INVALID" });
  });

  it("stores only an HMAC of the code", async () => {
    const a = await registered();
    const [row] = await db.select().from(otpCodes).where(eq(otpCodes.destination, a.phone));
    expect(row?.codeHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(a.phoneCode);
  });
});

describe("POST /api/auth/otp/send", () => {
  it("answers 202 for an unknown destination without sending anything", async () => {
    const email = `nobody.${Date.now()}@example.in`;
    const res = await sendOtp({ channel: "email", destination: email, purpose: "login" });
    expect(res.status).toBe(202);
    expect(readOutbox({ to: email })).toHaveLength(0);
    const known = await registered();
    const hit = await sendOtp({ channel: "email", destination: known.email, purpose: "verify_email" });
    expect(hit.status).toBe(202);
    expect(hit.text).toBe(res.text);
    expect(readOutbox({ to: known.email })[0]).toMatchObject({ channel: "email", purpose: "verify_email" });
  });

  it("limits sends per destination: the 6th within the hour → 429 with Retry-After", async () => {
    startAtTheNextWindow("otpSendPerDestination");
    const a = await registered();
    for (let i = 0; i < 5; i++) {
      expect((await sendOtp({ channel: "sms", destination: a.phone, purpose: "login" })).status).toBe(202);
    }
    const sixth = await sendOtp({ channel: "sms", destination: `0${a.phone}`, purpose: "login" });
    expect(sixth.status).toBe(429);
    expect(sixth.body.error.code).toBe("RATE_LIMITED");
    // The counters live in Redis under a keyed hash: the phone number itself never names a key.
    const keys = await redis.keys("rl:otp-send:dest*");
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.filter((k) => k.includes(a.phone.slice(-10)))).toEqual([]);
    expect(Number(sixth.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("limits sends per IP across destinations", async () => {
    startAtTheNextWindow("otpSendPerIp");
    const ip = randomIp();
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      const res = await sendOtp(
        { channel: "email", destination: `probe.${i}.${Date.now()}@example.in`, purpose: "login" },
        ip,
      );
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 20).every((s) => s === 202)).toBe(true);
    expect(statuses[20]).toBe(429);
  });

  it("limits verification attempts per destination across IPs", async () => {
    startAtTheNextWindow("otpVerifyPerDestination");
    const a = await registered();
    const statuses: number[] = [];
    for (let i = 0; i < 16; i++) {
      statuses.push((await verifyOtp({ destination: a.email, purpose: "login", code: "000000" })).status);
    }
    expect(statuses.slice(0, 15).every((s) => s === 422)).toBe(true);
    expect(statuses[15]).toBe(429);
  });

  it("rejects a channel that does not match the destination or purpose", async () => {
    const a = await registered();
    for (const body of [
      { channel: "email", destination: a.phone, purpose: "login" },
      { channel: "email", destination: a.email, purpose: "verify_phone" },
      { channel: "sms", destination: "not-a-phone", purpose: "login" },
    ]) {
      const res = await sendOtp(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe("VALIDATION_FAILED");
    }
  });
});

describe("password reset by OTP", () => {
  it("reset_password → resetToken → new password; all sessions end; the grant is single use", async () => {
    const a = await registered();
    const session = (await login({ identifier: a.username, password: PASSWORD })).body as Pair;
    await verifyContact(a.email, "email");
    expect((await sendOtp({ channel: "email", destination: a.email, purpose: "reset_password" })).status).toBe(202);
    const verified = await verifyOtp({
      destination: a.email,
      purpose: "reset_password",
      code: outboxCode(a.email, "reset_password"),
    });
    expect(verified.status).toBe(200);
    const resetToken = verified.body.resetToken as string;
    expect(resetToken.split(".")).toHaveLength(3);
    // A reset grant is not an access token.
    expect((await call(me, { path: "/api/me", token: resetToken })).status).toBe(401);

    const reset = (newPassword: string) =>
      call<ApiError>(resetRoute, {
        method: "POST",
        path: "/api/auth/password/reset",
        body: { resetToken, newPassword },
        ip: randomIp(),
      });
    expect((await reset("Fresh-start-2024")).status).toBe(204);
    expect((await call(me, { path: "/api/me", token: session.accessToken })).status).toBe(401);
    expect((await login({ identifier: a.username, password: PASSWORD })).status).toBe(401);
    expect((await login({ identifier: a.username, password: "Fresh-start-2024" })).status).toBe(200);
    const again = await reset("Another-one-2025");
    expect(again.status).toBe(401);
  });
});

describe("codes that open an account go only to a contact its owner verified", () => {
  it("no login or reset code for an unverified phone or e-mail; a code issued before it was unverified opens nothing", async () => {
    // Registered with an e-mail that may be someone else's (a typo): its holder must not get in.
    const a = await registered();
    for (const [channel, destination] of [
      ["email", a.email],
      ["sms", a.phone],
    ] as const) {
      for (const purpose of ["login", "reset_password"]) {
        const res = await sendOtp({ channel, destination, purpose });
        expect(res.status).toBe(202); // the same answer as for an eligible one (no enumeration)
        expect(readOutbox({ to: destination }).filter((m) => m.purpose === purpose)).toHaveLength(0);
      }
    }
    await verifyContact(a.phone, "sms");
    expect((await sendOtp({ channel: "sms", destination: a.phone, purpose: "login" })).status).toBe(202);
    const code = outboxCode(a.phone, "login");
    // The number stops being verified (e.g. changed) before the code is used: it opens nothing.
    await db.update(users).set({ phoneVerified: false }).where(eq(users.id, a.id));
    const refused = await verifyOtp({ destination: a.phone, purpose: "login", code });
    expect(refused.status).toBe(422);
    expect((refused.body as ApiError).error.code).toBe("OTP_INVALID");
    await db.update(users).set({ phoneVerified: true }).where(eq(users.id, a.id));
    expect((await verifyOtp({ destination: a.phone, purpose: "login", code })).status).toBe(200);
  });
});
