import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import * as auditLogsRoute from "../../api/admin/audit-logs.js";
import { auditLogs } from "../../db/schema/index.js";
import { recordAudit, sanitizeForAudit } from "../../lib/audit/index.js";
import { db, pool, withTransaction } from "../../lib/db/index.js";
import { createTestUser } from "../helpers/factories.js";
import { call } from "../helpers/request.js";

afterAll(() => pool.end());

type Page = {
  data: { id: string; entityId: string; action: string; before: unknown; after: unknown }[];
  nextCursor: string | null;
};

describe("recordAudit", () => {
  it("commits with the transaction and disappears with its rollback", async () => {
    const entityId = `tx-${Date.now()}`;
    await withTransaction(async ({ tx }) => {
      await recordAudit(tx, { actorUserId: null, action: "test.committed", entityType: "test", entityId });
    });
    await expect(
      withTransaction(async ({ tx }) => {
        await recordAudit(tx, { actorUserId: null, action: "test.rolled_back", entityType: "test", entityId });
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    const rows = await db.select().from(auditLogs).where(eq(auditLogs.entityId, entityId));
    expect(rows.map((r) => r.action)).toEqual(["test.committed"]);
  });

  it("never stores secrets in before/after, at any depth", async () => {
    const entityId = `sec-${Date.now()}`;
    const before = {
      fullName: "Asha",
      password: "$2a$10$hash",
      passwordHash: "x",
      company: "Kirana Co",
      userCode: "NXP1",
      nested: { refreshToken: "rt_secret", otp_code: "123456", twoFactorSecret: "JBSW", list: [{ pan: "ABCPE1234F" }] },
      aadhaarNumber: "234123412346",
      panEncrypted: "v1.k.iv",
      bank: { accountNumber: "50100123456789", account_number: "50100987654321", ifsc: "HDFC0001234" },
      at: new Date("2026-01-02T03:04:05Z"),
    };
    await recordAudit(db, {
      actorUserId: 1,
      action: "user.updated",
      entityType: "user",
      entityId,
      before,
      after: { kycStatus: "verified" },
    });
    const [row] = await db.select().from(auditLogs).where(eq(auditLogs.entityId, entityId));
    expect(row?.before).toEqual({
      fullName: "Asha",
      company: "Kirana Co",
      userCode: "NXP1",
      nested: { list: [{}] },
      bank: { ifsc: "HDFC0001234" },
      at: "2026-01-02T03:04:05.000Z",
    });
    expect(row?.after).toEqual({ kycStatus: "verified" });
    expect(JSON.stringify(row)).not.toMatch(/hash|rt_secret|123456|JBSW|ABCPE1234F|234123412346|v1\.k|50100/);
    expect(sanitizeForAudit(undefined)).toBeNull();
  });
});

/** GET /api/admin/audit-logs as the holder of `token`. */
const list = <T = Page>(token: string, query?: Record<string, string | number>) =>
  call<T>(auditLogsRoute, { path: "/api/admin/audit-logs", token, query });

describe("GET /api/admin/audit-logs", () => {
  it("pages newest first with a keyset cursor and filters", async () => {
    const admin = await createTestUser({ role: "admin" });
    const entityId = `page-${Date.now()}`;
    for (let i = 0; i < 5; i++) {
      await recordAudit(db, { actorUserId: admin.id, action: `test.step${i}`, entityType: "pager", entityId });
    }
    const first = await list(admin.token, { entityType: "pager", entityId, limit: 2 });
    expect(first.status).toBe(200);
    expect(first.body.data.map((r) => r.action)).toEqual(["test.step4", "test.step3"]);
    // A row inserted between pages must not shift the next page (keyset, not OFFSET).
    await recordAudit(db, { actorUserId: admin.id, action: "test.late", entityType: "pager", entityId });
    const second = await list(admin.token, {
      entityType: "pager",
      entityId,
      limit: 2,
      cursor: first.body.nextCursor ?? "",
    });
    expect(second.body.data.map((r) => r.action)).toEqual(["test.step2", "test.step1"]);
    const third = await list(admin.token, {
      entityType: "pager",
      entityId,
      limit: 2,
      cursor: second.body.nextCursor ?? "",
    });
    expect(third.body.data.map((r) => r.action)).toEqual(["test.step0"]);
    expect(third.body.nextCursor).toBeNull();
    const byAction = await list(admin.token, { action: "test.late", actorUserId: admin.id });
    expect(byAction.body.data).toHaveLength(1);
  });

  it("rejects forged cursors and unknown filters with 400, non-admins with 403", async () => {
    const admin = await createTestUser({ role: "admin" });
    const customer = await createTestUser({ role: "customer" });
    const forged = await list<{ error: { code: string } }>(admin.token, { cursor: "bm9wZQ" });
    expect(forged.status).toBe(400);
    expect(forged.body.error.code).toBe("VALIDATION_FAILED");
    const unknown = await list(admin.token, { sort: "asc" });
    expect(unknown.status).toBe(400);
    const tooMany = await list(admin.token, { limit: 101 });
    expect(tooMany.status).toBe(400);
    const denied = await list(customer.token);
    expect(denied.status).toBe(403);
  });
});
