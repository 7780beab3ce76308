/** GET /api/cron/sweep-expired: idempotency records past retention go, younger ones stay; expired holds release once. */
import { and, eq } from "drizzle-orm";
import { afterAll, describe, expect, it, vi } from "vitest";
import * as sweep from "../../api/cron/sweep-expired.js";
import { idempotencyKeys, ledgerVerifications, users } from "../../db/schema/index.js";
import { db } from "../../lib/db/index.js";
import {
  IDEMPOTENCY_RETENTION_MS,
  insertIdempotencyRecord,
  sweepExpiredIdempotencyKeys,
} from "../../lib/idempotency/index.js";
import { VERIFICATION_RETENTION_MS } from "../../lib/ledger/index.js";
import { createTestUser } from "../helpers/factories.js";
import { closeDatabases, expectLedgerClean, fundWallet, holdFor } from "../helpers/ledger.js";
import { call } from "../helpers/request.js";

afterAll(async () => {
  await closeDatabases();
});

const cron = () =>
  call<{ idempotencyKeysDeleted: number; holdsExpired: number; verificationsDeleted: number }>(sweep, {
    path: "/api/cron/sweep-expired",
    headers: { authorization: `Bearer ${process.env.CRON_SECRET}` },
  });

describe("GET /api/cron/sweep-expired", () => {
  it("needs the cron secret", async () => {
    const user = await createTestUser({ role: "admin" });
    expect((await call(sweep, { path: "/api/cron/sweep-expired", token: user.token })).status).toBe(401);
  });

  it("deletes only records past retention and releases expired holds exactly once", async () => {
    const user = await createTestUser();
    await fundWallet(user.id, 50_000);
    const record = (key: string) => ({
      userId: user.id,
      idemKey: key,
      requestHash: "h",
      statusCode: 201,
      responseBody: "{}",
      resourceRef: null,
    });
    const longAgo = new Date(Date.now() - IDEMPOTENCY_RETENTION_MS - 60_000);
    await insertIdempotencyRecord(db, record("old"), longAgo);
    await insertIdempotencyRecord(db, record("fresh"));
    await holdFor(user.id, 20_000, 1_000);
    await new Promise((r) => setTimeout(r, 2_100)); // past expiry by database time (TIMESTAMP has whole seconds)

    const first = await cron();
    expect(first.status).toBe(200);
    expect(first.body.idempotencyKeysDeleted).toBeGreaterThanOrEqual(1);
    expect(first.body.holdsExpired).toBeGreaterThanOrEqual(1);
    expect(first.body).toHaveProperty("holdsFailed", 0); // the alertable count of holds left stuck
    const keys = await db
      .select({ k: idempotencyKeys.idemKey })
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.userId, user.id)));
    expect(keys.map((k) => k.k)).toEqual(["fresh"]);
    const [wallet] = await db.select({ held: users.heldBalance }).from(users).where(eq(users.id, user.id));
    expect(wallet?.held).toBe(0);

    const second = await cron();
    expect(second.body.idempotencyKeysDeleted).toBe(0);
    await expectLedgerClean();
  });

  it("expires holds by the database's clock, not an app instance's clock running ahead", async () => {
    const user = await createTestUser();
    await fundWallet(user.id, 10_000);
    await holdFor(user.id, 4_000, 60_000);
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 5 * 60_000 });
    try {
      expect((await cron()).status).toBe(200);
    } finally {
      vi.useRealTimers();
    }
    const [wallet] = await db.select({ held: users.heldBalance }).from(users).where(eq(users.id, user.id));
    expect(wallet?.held).toBe(4_000);
    await expectLedgerClean();
  });

  it("works off an idempotency backlog a bounded number of batches per call", async () => {
    const user = await createTestUser();
    const longAgo = new Date(Date.now() - IDEMPOTENCY_RETENTION_MS - 60_000);
    for (let i = 0; i < 7; i++)
      await insertIdempotencyRecord(
        db,
        { userId: user.id, idemKey: `b${i}`, requestHash: "h", statusCode: 201, responseBody: "{}", resourceRef: null },
        longAgo,
      );
    expect(await sweepExpiredIdempotencyKeys(db, new Date(), 2, 2)).toBe(4); // 2 batches of 2, then stop
    while ((await sweepExpiredIdempotencyKeys(db, new Date(), 2, 2)) > 0);
    const left = await db.select().from(idempotencyKeys).where(eq(idempotencyKeys.userId, user.id));
    expect(left).toEqual([]);
  });

  it("drops ledger verification records past retention, keeps younger ones", async () => {
    const run = (startedAt: Date) => ({
      scope: "incremental" as const,
      startedAt,
      durationMs: 1,
      ok: true,
      violationCount: 0,
      linesFrom: 0,
      linesTo: 0,
      systemFrom: 0,
      systemTo: 0,
      postingsFrom: 0,
      postingsTo: 0,
    });
    const old = new Date(Date.now() - VERIFICATION_RETENTION_MS - 60_000);
    const young = new Date(Date.now() - VERIFICATION_RETENTION_MS + 3_600_000);
    await db.insert(ledgerVerifications).values([run(old), run(young)]);
    const first = await cron();
    expect(first.body.verificationsDeleted).toBeGreaterThanOrEqual(1);
    const left = await db.select({ at: ledgerVerifications.startedAt }).from(ledgerVerifications);
    expect(left.some((r) => r.at.getTime() === young.getTime())).toBe(true);
    expect(left.every((r) => r.at.getTime() >= Date.now() - VERIFICATION_RETENTION_MS)).toBe(true);
    expect((await cron()).body.verificationsDeleted).toBe(0);
  });
});
