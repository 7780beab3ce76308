/**
 * R9 fuzzing of the identity-data routes: arbitrary JSON, hostile keys and odd strings never give a
 * 5xx, invalid input is a 400 with a stable code, and a rejected body changes nothing stored.
 */
import { eq, inArray } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as auditLogsRoute from "../../api/admin/audit-logs.js";
import * as adminKyc from "../../api/admin/kyc/[userId].js";
import * as downline from "../../api/me/downline.js";
import * as meKyc from "../../api/me/kyc.js";
import { kycRecords, users } from "../../db/schema/index.js";
import { db, pool } from "../../lib/db/index.js";
import { normalizeAadhaar, normalizePan } from "../../lib/kyc/index.js";
import { createTestUser, type TestUser } from "../helpers/factories.js";
import { call } from "../helpers/request.js";

afterAll(() => pool.end());

type ErrorBody = { error?: { code?: string } };
const HOSTILE_KEYS = ["role", "kycStatus", "walletBalancePaise", "userId", "__proto__", "constructor", "status"];

const oddString = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: "grapheme", maxLength: 30 }),
  fc.stringMatching(/^[A-Za-z]{5}[0-9]{4}[A-Za-z]$/),
  fc.stringMatching(/^[0-9 -]{10,16}$/),
  fc.constant("A".repeat(5000)),
  fc.constant("' OR 1=1 --"),
);
const anyValue = fc.oneof(oddString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.anything());

const kycBody = fc.oneof(
  fc.record(
    {
      pan: anyValue,
      aadhaarNumber: anyValue,
      documents: fc.oneof(anyValue, fc.array(fc.record({ type: anyValue, url: anyValue }), { maxLength: 12 })),
    },
    { requiredKeys: [] },
  ),
  fc.dictionary(fc.constantFrom(...HOSTILE_KEYS, "pan", "aadhaarNumber"), anyValue),
  fc.anything(),
);

let pool_: TestUser[] = [];
beforeAll(async () => {
  // The KYC submit limit is 10 per user id per hour, and Redis is shared by the run's workers (whose
  // databases reuse the same ids): spread the runs thinly over many users.
  pool_ = await Promise.all(Array.from({ length: 50 }, () => createTestUser({ kycStatus: "pending" })));
});

describe("fuzz POST /api/me/kyc", () => {
  it("never 5xx; invalid bodies are 400 and store nothing", async () => {
    let i = 0;
    const accepted = new Set<number>();
    let limited = 0;
    await fc.assert(
      fc.asyncProperty(kycBody, async (body) => {
        const user = pool_[i++ % pool_.length] as TestUser;
        const res = await call<ErrorBody>(meKyc, { method: "POST", path: "/api/me/kyc", token: user.token, body });
        expect(res.status, res.text).toBeLessThan(500);
        if (res.status === 429) {
          limited++;
          return expect(res.body.error?.code).toBe("RATE_LIMITED");
        }
        const b = body as Record<string, unknown> | null;
        const valid =
          b !== null &&
          typeof b === "object" &&
          !Array.isArray(b) &&
          Object.keys(b).every((k) => k === "pan" || k === "aadhaarNumber") &&
          typeof b.pan === "string" &&
          normalizePan(b.pan) !== null &&
          typeof b.aadhaarNumber === "string" &&
          normalizeAadhaar(b.aadhaarNumber) !== null;
        if (!valid) {
          expect([400, 413]).toContain(res.status);
          expect(["VALIDATION_FAILED", "BAD_REQUEST", "PAYLOAD_TOO_LARGE"]).toContain(res.body.error?.code);
        } else {
          expect([202, 409]).toContain(res.status);
          if (res.status === 202) accepted.add(user.id);
        }
      }),
      { numRuns: 150 },
    );
    expect(limited).toBeLessThan(15); // the property was really exercised
    // Hostile keys never reached a column; only accepted submissions created rows.
    const ids = pool_.map((u) => u.id);
    const rows = await db.select({ userId: kycRecords.userId }).from(kycRecords).where(inArray(kycRecords.userId, ids));
    expect(new Set(rows.map((r) => r.userId))).toEqual(accepted);
    const states = await db
      .select({ id: users.id, role: users.role, kycStatus: users.kycStatus })
      .from(users)
      .where(inArray(users.id, ids));
    for (const s of states) {
      expect(s.role).toBe("customer");
      expect(s.kycStatus).toBe("pending");
    }
  });
});

describe("fuzz admin and list routes", () => {
  it("POST /api/admin/kyc/[userId] never 5xx and never changes a status on a bad body", async () => {
    const admin = await createTestUser({ role: "admin" });
    const target = await createTestUser({ kycStatus: "pending" });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.record({ decision: anyValue, reason: anyValue }, { requiredKeys: [] }), fc.anything()),
        fc.oneof(fc.constant(String(target.id)), oddString),
        async (body, userId) => {
          const res = await call<ErrorBody>(adminKyc, {
            method: "POST",
            path: `/api/admin/kyc/${encodeURIComponent(userId)}`,
            query: { userId },
            token: admin.token,
            body,
          });
          expect(res.status, res.text).toBeLessThan(500);
          // The target never submitted, so nothing can be decided: 400, 404 or 409, never 200.
          expect([400, 404, 409, 413]).toContain(res.status);
        },
      ),
      { numRuns: 150 },
    );
    const [row] = await db.select({ s: users.kycStatus }).from(users).where(eq(users.id, target.id));
    expect(row?.s).toBe("pending");
  });

  it("list query strings (audit logs, downline) are 200 or 400, never 5xx", async () => {
    const admin = await createTestUser({ role: "admin" });
    const dist = await createTestUser({ role: "distributor" });
    const query = fc.dictionary(
      fc.constantFrom("limit", "cursor", "actorUserId", "entityType", "entityId", "action", "sort", "__proto__"),
      fc.oneof(oddString, fc.integer().map(String), fc.constant("")),
    );
    await fc.assert(
      fc.asyncProperty(query, async (q) => {
        const audit = await call<ErrorBody>(auditLogsRoute, {
          path: "/api/admin/audit-logs",
          token: admin.token,
          query: q,
        });
        expect([200, 400], audit.text).toContain(audit.status);
        const mine = await call<ErrorBody>(downline, { path: "/api/me/downline", token: dist.token, query: q });
        expect([200, 400], mine.text).toContain(mine.status);
      }),
      { numRuns: 150 },
    );
  });
});
