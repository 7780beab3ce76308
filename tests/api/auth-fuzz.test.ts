/**
 * R9 fuzzing of the public identity routes and PATCH /api/me: arbitrary JSON, hostile keys and odd
 * strings never produce a 5xx; a rejected profile patch changes nothing.
 */
import { eq } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import * as loginRoute from "../../api/auth/login.js";
import * as otpSend from "../../api/auth/otp/send.js";
import * as otpVerify from "../../api/auth/otp/verify.js";
import * as refreshRoute from "../../api/auth/refresh.js";
import * as registerRoute from "../../api/auth/register.js";
import * as me from "../../api/me.js";
import { users } from "../../db/schema/index.js";
import { db, pool } from "../../lib/db/index.js";
import { createTestUser } from "../helpers/factories.js";
import { call } from "../helpers/request.js";
import { randomIp } from "./auth-helpers.js";

afterAll(() => pool.end());

const oddString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.stringMatching(/^(\+91|0)?[5-9]\d{9}$/),
  fc.stringMatching(/^[a-z]{1,8}@[a-z]{1,8}\.in$/),
  fc.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
  fc.constant("A".repeat(5000)),
  fc.constant("' OR 1=1 --"),
  fc.constant("https://x.example/a.png"),
);
const anyValue = fc.oneof(oddString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.anything());
const HOSTILE = ["role", "kycStatus", "walletBalancePaise", "id", "userCode", "__proto__", "constructor", "isActive"];
const bodyOf = (keys: string[]) =>
  fc.oneof(
    fc.dictionary(fc.constantFrom(...keys, ...HOSTILE), anyValue),
    fc.record(Object.fromEntries(keys.map((k) => [k, anyValue])), { requiredKeys: [] }),
    fc.anything(),
  );

const ROUTES = [
  [
    "register",
    registerRoute,
    "/api/auth/register",
    ["fullName", "email", "phone", "username", "password", "referralCode"],
  ],
  ["login", loginRoute, "/api/auth/login", ["identifier", "password", "totp"]],
  ["refresh", refreshRoute, "/api/auth/refresh", ["refreshToken"]],
  ["otp/send", otpSend, "/api/auth/otp/send", ["channel", "destination", "purpose"]],
  ["otp/verify", otpVerify, "/api/auth/otp/verify", ["destination", "purpose", "code", "totp"]],
] as const;

describe("fuzz public identity routes", () => {
  it.each(ROUTES)("%s never answers 5xx", async (_name, mod, path, keys) => {
    await fc.assert(
      fc.asyncProperty(bodyOf([...keys]), async (body) => {
        const res = await call(mod, { method: "POST", path, body, ip: randomIp() });
        expect(res.status, res.text).toBeLessThan(500);
      }),
      { numRuns: 60 },
    );
  });
});

describe("fuzz PATCH /api/me", () => {
  it("never 5xx; a rejected patch changes nothing", async () => {
    // 150 patches are more than one user's profile limit allows (30 per 15 minutes): a user per 25 runs,
    // verified and pending alternately (a verified user's name and date of birth are fixed).
    let user = await createTestUser();
    let runs = 0;
    const snapshot = async () => (await db.select().from(users).where(eq(users.id, user.id)))[0];
    await fc.assert(
      fc.asyncProperty(bodyOf(["fullName", "avatarUrl", "dateOfBirth", "address"]), async (body) => {
        if (++runs % 25 === 0) user = await createTestUser({ kycStatus: runs % 50 === 0 ? "verified" : "pending" });
        const before = await snapshot();
        const res = await call(me, { method: "PATCH", path: "/api/me", token: user.token, body });
        expect(res.status, res.text).toBeLessThan(500);
        if (res.status !== 200) {
          // 409: the user is KYC-verified, so a new name or date of birth is refused (update-profile.ts).
          expect([400, 409, 413]).toContain(res.status);
          expect(await snapshot()).toEqual(before);
        }
        const after = await snapshot();
        expect({ role: after?.role, kyc: after?.kycStatus, bal: after?.walletBalance, code: after?.userCode }).toEqual({
          role: before?.role,
          kyc: before?.kycStatus,
          bal: before?.walletBalance,
          code: before?.userCode,
        });
      }),
      { numRuns: 150 },
    );
  });
});
