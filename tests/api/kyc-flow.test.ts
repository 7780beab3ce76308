import { and, eq, sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import * as adminKyc from "../../api/admin/kyc/[userId].js";
import * as meKyc from "../../api/me/kyc.js";
import { auditLogs, kycRecords, kycSubmissionHistory, users } from "../../db/schema/index.js";
import { fieldCipher } from "../../lib/crypto/index.js";
import { db, pool } from "../../lib/db/index.js";
import { kycCipherContext } from "../../lib/kyc/index.js";
import { createTestUser, type TestUser } from "../helpers/factories.js";
import { call } from "../helpers/request.js";
import { randomAadhaar, randomPan } from "./kyc-helpers.js";

afterAll(() => pool.end());

type Err = { error: { code: string; message: string; details?: { path: string }[] } };
type Submitted = { kycStatus: string; panMasked: string; aadhaarMasked: string };

const submit = (user: TestUser, body: unknown) =>
  call<Submitted & Err>(meKyc, { method: "POST", path: "/api/me/kyc", token: user.token, body });
const decide = (admin: TestUser, userId: number | string, body: unknown) =>
  call<Record<string, unknown> & Err>(adminKyc, {
    method: "POST",
    path: `/api/admin/kyc/${userId}`,
    query: { userId },
    token: admin.token,
    body,
  });
const myKyc = (user: TestUser) => call<Record<string, unknown>>(meKyc, { path: "/api/me/kyc", token: user.token });
const kycStatusOf = async (id: number) =>
  (await db.select({ s: users.kycStatus }).from(users).where(eq(users.id, id)))[0]?.s;

describe("POST /api/me/kyc", () => {
  it("stores PAN/Aadhaar encrypted with blind indexes and returns only masked values", async () => {
    const user = await createTestUser({ kycStatus: "pending" });
    const pan = randomPan();
    const aadhaar = randomAadhaar();
    const spaced = `${aadhaar.slice(0, 4)} ${aadhaar.slice(4, 8)} ${aadhaar.slice(8)}`;
    const res = await submit(user, {
      pan: pan.toLowerCase(),
      aadhaarNumber: spaced,
      documents: [{ type: "pan_card", url: "https://files.test/pan.jpg" }],
    });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({
      kycStatus: "pending",
      panMasked: `XXXXX${pan.slice(5)}`,
      aadhaarMasked: `XXXX-XXXX-${aadhaar.slice(8)}`,
    });
    expect(res.text).not.toContain(aadhaar);
    expect(res.text).not.toContain(pan);

    const [row] = await db.select().from(kycRecords).where(eq(kycRecords.userId, user.id));
    if (!row) throw new Error("no kyc row");
    // Neither number is anywhere in clear in the stored row.
    expect(JSON.stringify(row)).not.toContain(aadhaar);
    expect(JSON.stringify(row)).not.toContain(pan);
    expect(row.aadhaarLast4).toBe(aadhaar.slice(8));
    expect(fieldCipher.decrypt(row.panEncrypted, kycCipherContext("pan", user.id))).toBe(pan);
    expect(fieldCipher.decrypt(row.aadhaarEncrypted, kycCipherContext("aadhaar", user.id))).toBe(aadhaar);
    expect(fieldCipher.keyIdOf(row.panEncrypted)).toBe(fieldCipher.currentKeyId);
    // A ciphertext moved to another owner does not decrypt (AAD binds field and user).
    expect(() => fieldCipher.decrypt(row.panEncrypted, kycCipherContext("pan", user.id + 1))).toThrow();
    expect(await kycStatusOf(user.id)).toBe("pending");

    const audits = await db
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.entityType, "user"), eq(auditLogs.entityId, String(user.id))));
    expect(audits.map((a) => a.action)).toEqual(["kyc.submitted"]);
    expect(audits[0]?.actorUserId).toBe(user.id);
    expect(audits[0]?.ip).toBe("203.0.113.10");
    expect(JSON.stringify(audits)).not.toContain(pan);
    expect(JSON.stringify(audits)).not.toContain(aadhaar.slice(0, 8));

    const view = await myKyc(user);
    expect(view.body).toMatchObject({
      kycStatus: "pending",
      panMasked: res.body.panMasked,
      aadhaarMasked: res.body.aadhaarMasked,
      documents: [{ type: "pan_card", url: "https://files.test/pan.jpg" }],
      rejectionReason: null,
    });
  });

  it.each([
    ["PAN with an invalid holder type", { pan: "ABCXE1234F" }, "pan"],
    ["PAN too short", { pan: "ABCPE123F" }, "pan"],
    ["Aadhaar with a bad checksum", { aadhaarNumber: "bad-checksum" }, "aadhaarNumber"],
    ["Aadhaar starting with 1", { aadhaarNumber: "first-digit-1" }, "aadhaarNumber"],
    ["an unknown field", { kycStatus: "verified" }, "kycStatus"],
    ["a javascript: document url", { documents: [{ type: "photo", url: "javascript:alert(1)" }] }, "documents.0.url"],
  ])("rejects %s with 400 VALIDATION_FAILED and echoes nothing", async (_name, override, path) => {
    const user = await createTestUser({ kycStatus: "pending" });
    const good = randomAadhaar();
    const body: Record<string, unknown> = { pan: randomPan(), aadhaarNumber: good, ...override };
    if (body.aadhaarNumber === "bad-checksum")
      body.aadhaarNumber = `${good.slice(0, 11)}${(Number(good[11]) + 1) % 10}`;
    if (body.aadhaarNumber === "first-digit-1") body.aadhaarNumber = `1${good.slice(1)}`;
    const res = await submit(user, body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_FAILED");
    expect(res.body.error.details?.map((d) => d.path)).toContain(path);
    expect(res.text).not.toContain(String(body.aadhaarNumber));
    expect(await db.select().from(kycRecords).where(eq(kycRecords.userId, user.id))).toEqual([]);
  });

  it("refuses a PAN or Aadhaar already registered to another account without saying whose", async () => {
    const first = await createTestUser({ kycStatus: "pending" });
    const second = await createTestUser({ kycStatus: "pending" });
    const pan = randomPan();
    const aadhaar = randomAadhaar();
    expect((await submit(first, { pan, aadhaarNumber: aadhaar })).status).toBe(202);

    const samePan = await submit(second, { pan: ` ${pan.toLowerCase()} `, aadhaarNumber: randomAadhaar() });
    expect(samePan.status).toBe(409);
    expect(samePan.body.error.code).toBe("CONFLICT");
    expect(samePan.body.error.message).toMatch(/PAN/);
    const sameAadhaar = await submit(second, { pan: randomPan(), aadhaarNumber: aadhaar });
    expect(sameAadhaar.status).toBe(409);
    expect(sameAadhaar.body.error.message).toMatch(/Aadhaar/);
    for (const res of [samePan, sameAadhaar]) {
      expect(Object.keys(res.body.error).sort()).toEqual(["code", "message", "requestId"]);
      for (const hint of [first.userCode, first.username, first.phone, first.email])
        expect(res.text).not.toContain(hint);
      expect(res.body.error.message).not.toMatch(/\d/);
    }
    // Nothing half-done: the second user has no record and is still pending.
    expect(await db.select().from(kycRecords).where(eq(kycRecords.userId, second.id))).toEqual([]);
    expect(
      await db
        .select()
        .from(auditLogs)
        .where(and(eq(auditLogs.entityType, "user"), eq(auditLogs.entityId, String(second.id)))),
    ).toEqual([]);
  });

  it("lets exactly one of two concurrent submissions of the same PAN win", async () => {
    const [a, b] = await Promise.all([
      createTestUser({ kycStatus: "pending" }),
      createTestUser({ kycStatus: "pending" }),
    ]);
    const pan = randomPan();
    const results = await Promise.all([
      submit(a, { pan, aadhaarNumber: randomAadhaar() }),
      submit(b, { pan, aadhaarNumber: randomAadhaar() }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([202, 409]);
  });

  it("refuses a second submission by the same user made concurrently (one record, one audit row)", async () => {
    const user = await createTestUser({ kycStatus: "pending" });
    const results = await Promise.all([
      submit(user, { pan: randomPan(), aadhaarNumber: randomAadhaar() }),
      submit(user, { pan: randomPan(), aadhaarNumber: randomAadhaar() }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([202, 409]);
    expect(await db.select().from(kycRecords).where(eq(kycRecords.userId, user.id))).toHaveLength(1);
  });
});

describe("KYC state machine with POST /api/admin/kyc/[userId]", () => {
  it("pending → rejected (reason) → pending on resubmission → verified → no resubmission", async () => {
    const admin = await createTestUser({ role: "admin" });
    const user = await createTestUser({ kycStatus: "pending" });
    const firstPan = randomPan();
    expect((await submit(user, { pan: firstPan, aadhaarNumber: randomAadhaar() })).status).toBe(202);
    const again = await submit(user, { pan: randomPan(), aadhaarNumber: randomAadhaar() });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/under review/);

    // The reviewer sees the submission masked, never the numbers.
    const review = await call<Record<string, unknown>>(adminKyc, {
      path: `/api/admin/kyc/${user.id}`,
      query: { userId: user.id },
      token: admin.token,
    });
    expect(review.status).toBe(200);
    expect(review.body).toMatchObject({
      userId: user.id,
      kycStatus: "pending",
      panMasked: expect.stringMatching(/^XXXXX\d{4}[A-Z]$/),
      aadhaarMasked: expect.stringMatching(/^XXXX-XXXX-\d{4}$/),
    });
    expect(Object.keys(review.body)).not.toContain("panEncrypted");
    const unknownReview = await call(adminKyc, {
      path: "/api/admin/kyc/2000000000",
      query: { userId: 2_000_000_000 },
      token: admin.token,
    });
    expect(unknownReview.status).toBe(404);
    expect(
      (await call(adminKyc, { path: `/api/admin/kyc/${user.id}`, query: { userId: user.id }, token: user.token }))
        .status,
    ).toBe(403);

    const noReason = await decide(admin, user.id, { decision: "rejected" });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.details?.map((d) => d.path)).toEqual(["reason"]);

    const rejected = await decide(admin, user.id, { decision: "rejected", reason: "PAN photo unreadable" });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({
      userId: user.id,
      kycStatus: "rejected",
      rejectionReason: "PAN photo unreadable",
    });
    expect(await kycStatusOf(user.id)).toBe("rejected");
    expect((await myKyc(user)).body).toMatchObject({ kycStatus: "rejected", rejectionReason: "PAN photo unreadable" });
    expect((await decide(admin, user.id, { decision: "verified" })).status).toBe(409);

    const pan = randomPan();
    const resubmitted = await submit(user, { pan, aadhaarNumber: randomAadhaar() });
    expect(resubmitted.status).toBe(202);
    expect(await kycStatusOf(user.id)).toBe("pending");
    expect((await myKyc(user)).body).toMatchObject({ kycStatus: "pending", rejectionReason: null, reviewedAt: null });
    // The rejected submission it replaced is kept (RBI: KYC records for 5 years), still decryptable.
    const history = await db.select().from(kycSubmissionHistory).where(eq(kycSubmissionHistory.userId, user.id));
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({
      status: "rejected",
      rejectionReason: "PAN photo unreadable",
      reviewedBy: admin.id,
    });
    expect(fieldCipher.decrypt(history[0]?.panEncrypted ?? "", kycCipherContext("pan", user.id))).toBe(firstPan);

    const verified = await decide(admin, user.id, { decision: "verified", reason: "ok" });
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ kycStatus: "verified", rejectionReason: null });
    expect(await kycStatusOf(user.id)).toBe("verified");

    const afterVerified = await submit(user, { pan: randomPan(), aadhaarNumber: randomAadhaar() });
    expect(afterVerified.status).toBe(409);
    expect(afterVerified.body.error.message).toMatch(/already verified/);
    expect((await decide(admin, user.id, { decision: "rejected", reason: "late" })).status).toBe(409);

    const audits = await db
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.entityType, "user"), eq(auditLogs.entityId, String(user.id))))
      .orderBy(auditLogs.id);
    expect(audits.map((a) => [a.action, a.actorUserId])).toEqual([
      ["kyc.submitted", user.id],
      ["kyc.rejected", admin.id],
      ["kyc.resubmitted", user.id],
      ["kyc.verified", admin.id],
    ]);
    expect(audits[1]?.before).toMatchObject({ kycStatus: "pending" });
    expect(audits[1]?.after).toMatchObject({ kycStatus: "rejected", reason: "PAN photo unreadable" });
    expect(audits[3]?.after).toMatchObject({ kycStatus: "verified" });
    expect(JSON.stringify(audits)).not.toContain(pan);
  });

  it("lets exactly one of two concurrent admin decisions win, and audits only that one", async () => {
    const [adminA, adminB, user] = await Promise.all([
      createTestUser({ role: "admin" }),
      createTestUser({ role: "admin" }),
      createTestUser({ kycStatus: "pending" }),
    ]);
    await submit(user, { pan: randomPan(), aadhaarNumber: randomAadhaar() });
    const results = await Promise.all([
      decide(adminA, user.id, { decision: "verified" }),
      decide(adminB, user.id, { decision: "rejected", reason: "blurred photo" }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const winner = results.find((r) => r.status === 200)?.body.kycStatus;
    expect(await kycStatusOf(user.id)).toBe(winner);
    const decisions = await db
      .select({ action: auditLogs.action })
      .from(auditLogs)
      .where(and(eq(auditLogs.entityType, "user"), eq(auditLogs.entityId, String(user.id))));
    expect(decisions.map((d) => d.action).sort()).toEqual(["kyc.submitted", `kyc.${winner}`].sort());
  });

  it("a decision carrying the reviewed submittedAt does not land on a resubmission made after it", async () => {
    const [adminA, adminB, user] = await Promise.all([
      createTestUser({ role: "admin" }),
      createTestUser({ role: "admin" }),
      createTestUser({ kycStatus: "pending" }),
    ]);
    await submit(user, { pan: randomPan(), aadhaarNumber: randomAadhaar() });
    // Submitted a minute ago (submitted_at has whole seconds; a resubmission in the same second as the
    // original would not be told apart — a review takes longer than that).
    await db.execute(
      sql`UPDATE kyc_records SET submitted_at = submitted_at - INTERVAL 60 SECOND WHERE user_id = ${user.id}`,
    );
    const opened = await call<{ submittedAt: string }>(adminKyc, {
      path: `/api/admin/kyc/${user.id}`,
      query: { userId: user.id },
      token: adminA.token,
    });
    expect(opened.status).toBe(200);
    const reviewed = opened.body.submittedAt;
    expect((await decide(adminB, user.id, { decision: "rejected", reason: "blurred photo" })).status).toBe(200);
    expect((await submit(user, { pan: randomPan(), aadhaarNumber: randomAadhaar() })).status).toBe(202);

    const stale = await decide(adminA, user.id, { decision: "verified", submittedAt: reviewed });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe("CONFLICT");
    expect(await kycStatusOf(user.id)).toBe("pending");
    const current = (
      await call<{ submittedAt: string }>(adminKyc, {
        path: `/api/admin/kyc/${user.id}`,
        query: { userId: user.id },
        token: adminA.token,
      })
    ).body.submittedAt;
    expect((await decide(adminA, user.id, { decision: "verified", submittedAt: current })).status).toBe(200);
    expect(await kycStatusOf(user.id)).toBe("verified");
    const bad = await decide(adminA, user.id, { decision: "verified", submittedAt: "yesterday" });
    expect(bad.status).toBe(400);
  });

  it("releases a rejected submission's PAN/Aadhaar to their real holder, and the resubmitter loses them", async () => {
    const admin = await createTestUser({ role: "admin" });
    const impostor = await createTestUser({ kycStatus: "pending" });
    const holder = await createTestUser({ kycStatus: "pending" });
    const pan = randomPan();
    const aadhaar = randomAadhaar();
    expect((await submit(impostor, { pan, aadhaarNumber: aadhaar })).status).toBe(202);
    expect((await submit(holder, { pan, aadhaarNumber: aadhaar })).status).toBe(409);
    expect((await decide(admin, impostor.id, { decision: "rejected", reason: "name does not match PAN" })).status).toBe(
      200,
    );
    const [rejected] = await db.select().from(kycRecords).where(eq(kycRecords.userId, impostor.id));
    expect(rejected).toMatchObject({ status: "rejected", panBlindIndex: null, aadhaarBlindIndex: null });
    expect(rejected?.panEncrypted).toMatch(/^v1\./);

    expect((await submit(holder, { pan, aadhaarNumber: aadhaar })).status).toBe(202);
    const retry = await submit(impostor, { pan, aadhaarNumber: aadhaar });
    expect(retry.status).toBe(409);
    expect(await kycStatusOf(impostor.id)).toBe("rejected");
  });

  it("refuses a user already verified without a record, unknown users, non-admins and self-review", async () => {
    const admin = await createTestUser({ role: "admin" });
    const verified = await createTestUser({ kycStatus: "verified" });
    expect((await submit(verified, { pan: randomPan(), aadhaarNumber: randomAadhaar() })).status).toBe(409);

    const unknown = await decide(admin, 2_000_000_000, { decision: "verified" });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe("NOT_FOUND");
    expect((await decide(admin, "abc", { decision: "verified" })).status).toBe(400);
    const noSubmission = await createTestUser({ kycStatus: "pending" });
    expect((await decide(admin, noSubmission.id, { decision: "verified" })).status).toBe(409);
    expect((await decide(admin, noSubmission.id, { decision: "verified", extra: 1 })).status).toBe(400);
    expect((await decide(admin, noSubmission.id, { decision: "approved" })).status).toBe(400);

    const user = await createTestUser({ kycStatus: "pending" });
    await submit(user, { pan: randomPan(), aadhaarNumber: randomAadhaar() });
    const distributor = await createTestUser({ role: "distributor" });
    expect((await decide(distributor, user.id, { decision: "verified" })).status).toBe(403);
    expect((await decide(user, user.id, { decision: "verified" })).status).toBe(403);
    expect(await kycStatusOf(user.id)).toBe("pending");

    const selfAdmin = await createTestUser({ role: "admin", kycStatus: "pending" });
    await submit(selfAdmin, { pan: randomPan(), aadhaarNumber: randomAadhaar() });
    expect((await decide(selfAdmin, selfAdmin.id, { decision: "verified" })).status).toBe(403);
  });
});
