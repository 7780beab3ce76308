/**
 * withIdempotency against the real MariaDB + Redis (via the Upstash bridge): exactly-once effects under
 * concurrency, replay of successes and final rejections, 422 on another body, per-user scoping, the
 * unique key (not Redis) as the last guard, retention sweep (a Redis outage: idempotency-redis-down.test.ts).
 */
import { and, count, eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { auditLogs, idempotencyKeys } from "../../db/schema/index.js";
import { afterResponseSettled } from "../../lib/after-response.js";
import { recordAudit } from "../../lib/audit/index.js";
import { db, pool, withTransaction } from "../../lib/db/index.js";
import { AppError, isAppError } from "../../lib/http/index.js";
import { IDEMPOTENCY_RETENTION_MS, sweepExpiredIdempotencyKeys, withIdempotency } from "../../lib/idempotency/index.js";
import { newId } from "../../lib/ids.js";
import { redis } from "../../lib/redis.js";

afterAll(() => pool.end());

let nextUser = 900_000 + (process.pid % 1000) * 100;
const freshUser = () => ++nextUser;
const request = (body: unknown) => ({ method: "POST", path: "/api/test/effects", body });

/** The "effect" under test: one audit row per successful run, written in the same tx as the record. */
async function effect(claim: Parameters<Parameters<typeof withIdempotency>[1]>[0], entityId: string, delayMs = 0) {
  return withTransaction(async ({ tx }) => {
    await claim.record(tx, { status: 201, body: { entityId, done: true } });
    if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
    await recordAudit(tx, { actorUserId: null, action: "test.effect", entityType: "test", entityId });
    return { status: 201, body: { entityId, done: true } };
  });
}

const effects = async (entityId: string) =>
  (await db.select({ n: count() }).from(auditLogs).where(eq(auditLogs.entityId, entityId)))[0]?.n ?? 0;

/** The success answer is cached after the response: wait until that work is done. */
const cacheWritten = () => afterResponseSettled();

async function outcome(p: Promise<Response>) {
  try {
    const res = await p;
    return { status: res.status, replayed: res.headers.get("idempotent-replayed"), body: await res.json() };
  } catch (e) {
    if (!isAppError(e)) throw e;
    return { status: e.status, replayed: e.headers["idempotent-replayed"] ?? null, body: { code: e.code } };
  }
}

describe("withIdempotency", () => {
  it("20 concurrent requests with one key → one effect; the rest replay the same body or get 409", async () => {
    const userId = freshUser();
    const key = newId("k");
    const entityId = newId("e", 6);
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        outcome(withIdempotency({ userId, key, request: request({ a: 1 }) }, (claim) => effect(claim, entityId, 50))),
      ),
    );
    expect(await effects(entityId)).toBe(1);
    const fresh = results.filter((r) => r.status === 201 && r.replayed === null);
    expect(fresh).toHaveLength(1);
    for (const r of results) {
      if (r.status === 201) expect(r.body).toEqual({ entityId, done: true });
      else expect(r).toMatchObject({ status: 409, body: { code: "REQUEST_IN_PROGRESS" } });
    }
    // Afterwards every retry replays.
    const again = await outcome(
      withIdempotency({ userId, key, request: request({ a: 1 }) }, (c) => effect(c, entityId)),
    );
    expect(again).toEqual({ status: 201, replayed: "true", body: { entityId, done: true } });
    expect(await effects(entityId)).toBe(1);
  });

  it("same key with another body → 422; another user's identical key is a new request", async () => {
    const userId = freshUser();
    const key = newId("k");
    const e1 = newId("e", 6);
    await withIdempotency({ userId, key, request: request({ amountPaise: 100 }) }, (c) => effect(c, e1));
    const reused = await outcome(
      withIdempotency({ userId, key, request: request({ amountPaise: 101 }) }, (c) => effect(c, e1)),
    );
    expect(reused).toMatchObject({ status: 422, body: { code: "IDEMPOTENCY_KEY_REUSED" } });
    // Key order in the body does not matter (canonical JSON).
    const e2 = newId("e", 6);
    const other = await outcome(
      withIdempotency({ userId: freshUser(), key, request: request({ amountPaise: 100 }) }, (c) => effect(c, e2)),
    );
    expect(other).toEqual({ status: 201, replayed: null, body: { entityId: e2, done: true } });
    expect(await effects(e1)).toBe(1);
    expect(await effects(e2)).toBe(1);
  });

  it("a cached answer with non-ASCII text replays byte for byte (replies travel as plain UTF-8 JSON)", async () => {
    const userId = freshUser();
    const key = newId("k");
    // Devanagari, the rupee sign and an emoji (a surrogate pair): what base64 was protecting.
    const entityId = `₹ नमस्ते 🙏 ${newId("e", 6)}`;
    const first = await outcome(
      withIdempotency({ userId, key, request: request({ n: 1 }) }, (c) => effect(c, entityId)),
    );
    await cacheWritten();
    const cached = await redis.keys(`idem:${userId}:*`);
    expect(cached.length).toBeGreaterThan(0);
    const replay = await outcome(
      withIdempotency({ userId, key, request: request({ n: 1 }) }, (c) => effect(c, "must not run")),
    );
    expect(replay).toEqual({ ...first, replayed: "true" });
    expect(replay.body.entityId).toBe(entityId);
    expect(await effects(entityId)).toBe(1);
  });

  it("a business rejection is final for its key; a transient error is not recorded", async () => {
    const userId = freshUser();
    const key = newId("k");
    let calls = 0;
    const rejecting = async () => {
      calls++;
      throw new AppError("INSUFFICIENT_FUNDS", "Insufficient available balance.");
    };
    const first = await outcome(withIdempotency({ userId, key, request: request({ x: 1 }) }, rejecting));
    expect(first).toMatchObject({ status: 422, replayed: null, body: { code: "INSUFFICIENT_FUNDS" } });
    // Even though the operation would now succeed, the key keeps its first answer (from Redis, then from MySQL).
    const entityId = newId("e", 6);
    const replay = await outcome(
      withIdempotency({ userId, key, request: request({ x: 1 }) }, (c) => effect(c, entityId)),
    );
    expect(replay).toMatchObject({ status: 422, replayed: "true", body: { code: "INSUFFICIENT_FUNDS" } });
    await redis.del(...(await redis.keys(`idem:${userId}:*`)));
    const fromDb = await outcome(
      withIdempotency({ userId, key, request: request({ x: 1 }) }, (c) => effect(c, entityId)),
    );
    expect(fromDb).toMatchObject({ status: 422, replayed: "true", body: { code: "INSUFFICIENT_FUNDS" } });
    expect(calls).toBe(1);
    expect(await effects(entityId)).toBe(0);

    const key2 = newId("k");
    const transient = await outcome(
      withIdempotency({ userId, key: key2, request: request({ x: 2 }) }, async () => {
        throw new AppError("SERVICE_UNAVAILABLE", "db busy");
      }),
    );
    expect(transient.status).toBe(503);
    const retried = await outcome(
      withIdempotency({ userId, key: key2, request: request({ x: 2 }) }, (c) => effect(c, entityId)),
    );
    expect(retried).toEqual({ status: 201, replayed: null, body: { entityId, done: true } });
  });

  it("with Redis's copy gone, a retry that meets a rejection replays the recorded answer; another body is 422 unreloaded", async () => {
    const userId = freshUser();
    const key = newId("k");
    const entityId = newId("e", 6);
    const reloads: string[] = [];
    const reload = async (ref: string) => {
      reloads.push(ref);
      return { entityId, done: true };
    };
    const byRef = (claim: Parameters<Parameters<typeof withIdempotency>[1]>[0]) =>
      withTransaction(async ({ tx }) => {
        await claim.record(tx, { status: 201, resourceRef: entityId });
        await recordAudit(tx, { actorUserId: null, action: "test.effect", entityType: "test", entityId });
        return { status: 201, body: { entityId, done: true } };
      });
    // A route's own check that now fails before its posting (a load cap reached since, a recipient gone).
    const checkFails = async () => {
      throw new AppError("LIMIT_EXCEEDED", "Monthly loading limit reached.");
    };
    await withIdempotency({ userId, key, request: request({ v: 1 }) }, byRef, { reload });
    await cacheWritten();
    await redis.del(...(await redis.keys(`idem:${userId}:*`)));

    const other = await outcome(withIdempotency({ userId, key, request: request({ v: 2 }) }, checkFails, { reload }));
    expect(other).toMatchObject({ status: 422, body: { code: "IDEMPOTENCY_KEY_REUSED" } });
    expect(reloads).toEqual([]); // reload reads with this request's parameters: never for another request
    const retry = await outcome(withIdempotency({ userId, key, request: request({ v: 1 }) }, checkFails, { reload }));
    expect(retry).toEqual({ status: 201, replayed: "true", body: { entityId, done: true } });
    expect(reloads).toEqual([entityId]);
    // That replay put the first answer back in Redis: the next retry never reaches the failing check.
    let ran = false;
    const cached = await outcome(
      withIdempotency({ userId, key, request: request({ v: 1 }) }, async () => {
        ran = true;
        return checkFails();
      }),
    );
    expect(cached).toEqual({ status: 201, replayed: "true", body: { entityId, done: true } });
    expect(ran).toBe(false);
    expect(await effects(entityId)).toBe(1);
  });

  it("the unique key stops a duplicate even when the Redis lock is gone mid-flight", async () => {
    const userId = freshUser();
    const key = newId("k");
    const entityId = newId("e", 6);
    let releaseA!: () => void;
    const gate = new Promise<void>((r) => {
      releaseA = r;
    });
    let recordedA!: () => void;
    const aRecorded = new Promise<void>((r) => {
      recordedA = r;
    });
    const a = outcome(
      withIdempotency({ userId, key, request: request({ y: 1 }) }, (claim) =>
        withTransaction(async ({ tx }) => {
          await claim.record(tx, { status: 201, body: { entityId, done: true } });
          recordedA();
          await gate;
          await recordAudit(tx, { actorUserId: null, action: "test.effect", entityType: "test", entityId });
          return { status: 201, body: { entityId, done: true } };
        }),
      ),
    );
    await aRecorded;
    await redis.del(...(await redis.keys(`idem:${userId}:*`))); // the lock "expired"
    const b = outcome(withIdempotency({ userId, key, request: request({ y: 1 }) }, (c) => effect(c, entityId)));
    await new Promise((r) => setTimeout(r, 100)); // B is now blocked on A's uncommitted unique row
    releaseA();
    const [ra, rb] = await Promise.all([a, b]);
    expect(ra).toEqual({ status: 201, replayed: null, body: { entityId, done: true } });
    expect(rb).toEqual({ status: 201, replayed: "true", body: { entityId, done: true } });
    expect(await effects(entityId)).toBe(1);
  });

  it("records are kept for the retention period, then swept and the key is new again", async () => {
    const userId = freshUser();
    const key = newId("k");
    const e1 = newId("e", 6);
    await withIdempotency({ userId, key, request: request({ z: 1 }) }, (c) => effect(c, e1));
    const where = and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.idemKey, key));
    await sweepExpiredIdempotencyKeys(db, new Date(Date.now() + IDEMPOTENCY_RETENTION_MS - 60_000));
    expect(await db.select({ id: idempotencyKeys.id }).from(idempotencyKeys).where(where)).toHaveLength(1);
    const removed = await sweepExpiredIdempotencyKeys(db, new Date(Date.now() + IDEMPOTENCY_RETENTION_MS + 60_000));
    expect(removed).toBeGreaterThanOrEqual(1);
    expect(await db.select({ id: idempotencyKeys.id }).from(idempotencyKeys).where(where)).toHaveLength(0);
    await cacheWritten();
    await redis.del(...(await redis.keys(`idem:${userId}:*`))); // the Redis copy expires with the same TTL
    const e2 = newId("e", 6);
    const reuse = await outcome(withIdempotency({ userId, key, request: request({ z: 2 }) }, (c) => effect(c, e2)));
    expect(reuse).toEqual({ status: 201, replayed: null, body: { entityId: e2, done: true } });
  });

  it("a failing check sent alongside (e.g. RATE_LIMITED) answers first and leaves the key free", async () => {
    const userId = freshUser();
    const key = newId("k");
    let ran = false;
    const limited = await outcome(
      withIdempotency(
        { userId, key, request: request({ r: 1 }) },
        async () => {
          ran = true;
          return { status: 201, body: {} };
        },
        {
          alongside: async () => {
            throw new AppError("RATE_LIMITED", "Too many requests; try again in 5 s.", {
              headers: { "retry-after": "5" },
            });
          },
        },
      ),
    );
    expect(limited).toMatchObject({ status: 429, body: { code: "RATE_LIMITED" } });
    expect(ran).toBe(false);
    expect(await redis.keys(`idem:${userId}:*`)).toEqual([]);
    const entityId = newId("e", 6);
    const later = await outcome(
      withIdempotency({ userId, key, request: request({ r: 1 }) }, (c) => effect(c, entityId)),
    );
    expect(later).toEqual({ status: 201, replayed: null, body: { entityId, done: true } });
  });
});
