import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import * as me from "../../api/me.js";
import { auditLogs, users } from "../../db/schema/index.js";
import { db, pool } from "../../lib/db/index.js";
import { createTestUser, type TestUser } from "../helpers/factories.js";
import { call } from "../helpers/request.js";

afterAll(() => pool.end());

type Err = { error: { code: string; details?: { path: string }[] } };
const getMe = (u: TestUser) => call<Record<string, unknown>>(me, { path: "/api/me", token: u.token });
const patchMe = (u: TestUser, body: unknown) =>
  call<Record<string, unknown> & Err>(me, { method: "PATCH", path: "/api/me", token: u.token, body });
const snapshot = async (id: number) => (await db.select().from(users).where(eq(users.id, id)))[0];

const CONTRACT_FIELDS = [
  "id",
  "userCode",
  "fullName",
  "email",
  "username",
  "phone",
  "role",
  "kycStatus",
  "emailVerified",
  "phoneVerified",
  "twoFactorEnabled",
  "parentDistributorId",
  "commissionRate",
  "walletBalancePaise",
  "createdAt",
];

describe("GET /api/me", () => {
  it("returns the contract fields (plus the editable profile fields) and never a secret", async () => {
    const distributor = await createTestUser({ role: "distributor" });
    const u = await createTestUser({ role: "retailer", parentDistributorId: distributor.id });
    const res = await getMe(u);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual([...CONTRACT_FIELDS, "avatarUrl", "dateOfBirth", "address"].sort());
    expect(res.body).toMatchObject({
      id: u.id,
      userCode: u.userCode,
      role: "retailer",
      parentDistributorId: distributor.id,
      walletBalancePaise: 0,
      twoFactorEnabled: false,
      commissionRate: "0.0000",
    });
    expect(new Date(res.body.createdAt as string).toISOString()).toBe(res.body.createdAt);
    expect(res.text).not.toMatch(/password|\$2[ab]\$|totp_secret/i);
  });
});

describe("PATCH /api/me", () => {
  it.each([
    ["role", { role: "admin" }],
    ["walletBalancePaise", { walletBalancePaise: 100_000_00 }],
    ["kycStatus", { kycStatus: "verified" }],
    ["id", { id: 1 }],
    ["userCode", { userCode: "NXPHACKED1" }],
    ["commissionRate", { commissionRate: "0.5000" }],
  ])("refuses %s with 400 VALIDATION_FAILED and changes nothing, even beside a valid field", async (field, extra) => {
    const u = await createTestUser({ kycStatus: "pending" });
    const before = await snapshot(u.id);
    const res = await patchMe(u, { fullName: "Changed Name", ...extra });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_FAILED");
    expect(res.body.error.details?.map((d) => d.path)).toContain(field);
    expect(await snapshot(u.id)).toEqual(before);
  });

  it("updates the allowed fields, audits before/after, and returns the profile", async () => {
    const u = await createTestUser({ kycStatus: "pending" });
    const res = await patchMe(u, {
      fullName: "  Anika Rao ",
      avatarUrl: "https://cdn.example.in/a.png",
      dateOfBirth: "1990-02-28",
      address: "12 MG Road, Bengaluru 560001",
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      fullName: "Anika Rao",
      avatarUrl: "https://cdn.example.in/a.png",
      dateOfBirth: "1990-02-28",
      address: "12 MG Road, Bengaluru 560001",
      role: "customer",
    });
    const [audit] = await db
      .select()
      .from(auditLogs)
      .where(eq(auditLogs.entityId, String(u.id)));
    expect(audit).toMatchObject({ action: "user.profile_updated", actorUserId: u.id });
    // Date of birth and address are recorded as set, not by value (admins read the audit trail).
    expect(audit?.after).toEqual({
      fullName: "Anika Rao",
      avatarUrl: "https://cdn.example.in/a.png",
      dateOfBirth: "[set]",
      address: "[set]",
    });
    expect(JSON.stringify(audit)).not.toContain("MG Road");
    expect(JSON.stringify(audit)).not.toContain("1990-02-28");
    // null clears an optional field
    expect((await patchMe(u, { avatarUrl: null })).body.avatarUrl).toBeNull();
  });

  it("a KYC-verified name and date of birth stay as verified (409); other fields still change", async () => {
    const u = await createTestUser(); // verified
    expect((await patchMe(u, { dateOfBirth: "1990-02-28" })).status).toBe(200); // first set: allowed
    const before = await snapshot(u.id);
    for (const patch of [{ fullName: "NexasPay Refunds" }, { dateOfBirth: "1991-03-01" }, { dateOfBirth: null }]) {
      const res = await patchMe(u, { ...patch, address: "somewhere else" });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe("CONFLICT");
      expect(await snapshot(u.id)).toEqual(before); // nothing of the patch applied
    }
    const same = await patchMe(u, { fullName: before?.fullName, address: "12 MG Road, Bengaluru" });
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ fullName: before?.fullName, address: "12 MG Road, Bengaluru" });
  });

  it("limits profile changes per user: the 31st in 15 minutes is 429 with Retry-After and changes nothing", async () => {
    const u = await createTestUser({ kycStatus: "pending" });
    for (let i = 1; i <= 30; i++) expect((await patchMe(u, { address: `Flat ${i}` })).status).toBe(200);
    const before = await snapshot(u.id);
    const res = await patchMe(u, { address: "Flat 31" });
    expect(res.status).toBe(429);
    expect(res.body.error.code).toBe("RATE_LIMITED");
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await snapshot(u.id)).toEqual(before);
    const other = await createTestUser({ kycStatus: "pending" }); // per user, not global
    expect((await patchMe(other, { address: "Flat 1" })).status).toBe(200);
  });

  it("validates values: https-only avatar, plausible real dates, non-empty body", async () => {
    const u = await createTestUser();
    const future = new Date(Date.now() + 86_400_000 * 400).toISOString().slice(0, 10);
    for (const body of [
      { avatarUrl: "http://cdn.example.in/a.png" },
      { avatarUrl: "javascript:alert(1)" },
      { dateOfBirth: "1990-02-30" },
      { dateOfBirth: future },
      { dateOfBirth: "1850-01-01" },
      { dateOfBirth: "28/02/1990" },
      { fullName: "" },
      {},
    ]) {
      const res = await patchMe(u, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
  });

  it("requires a token", async () => {
    const res = await call(me, { method: "PATCH", path: "/api/me", body: { fullName: "X Y" } });
    expect(res.status).toBe(401);
  });
});
