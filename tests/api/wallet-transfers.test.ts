/**
 * POST /api/wallet/transfers end to end through the route (real MariaDB + Redis): exactly-once under a
 * burst of one idempotency key, replay after success and after a business rejection, 422 on another
 * body, per-user key scope, and the request errors that must be 4xx.
 */
import { and, count, eq } from "drizzle-orm";
import { afterAll, describe, expect, it, vi } from "vitest";
import * as transfersRoute from "../../api/wallet/transfers.js";
import { transactions, users } from "../../db/schema/index.js";
import { afterResponseSettled } from "../../lib/after-response.js";
import { db } from "../../lib/db/index.js";
import { newId } from "../../lib/ids.js";
import { redis } from "../../lib/redis.js";
import { getBalance } from "../../lib/wallet/get-balance.js";
import { istDate } from "../../lib/wallet/ist-dates.js";
import type { TransactionView } from "../../lib/wallet/transaction-view.js";
import { auditRows } from "../helpers/audit.js";
import { startAtTheNextWindow } from "../helpers/clock.js";
import { createTestUser } from "../helpers/factories.js";
import { closeDatabases, expectLedgerClean, fundWallet } from "../helpers/ledger.js";
import { call } from "../helpers/request.js";

afterAll(closeDatabases);

type Reply = { transaction: TransactionView; error?: { code: string; details?: unknown[] } };
const PATH = "/api/wallet/transfers";
const send = (token: string, body: unknown, idempotencyKey?: string) =>
  call<Reply>(transfersRoute, { method: "POST", path: PATH, token, body, idempotencyKey });
const debits = async (userId: number) =>
  (
    await db
      .select({ n: count() })
      .from(transactions)
      .where(and(eq(transactions.userId, userId), eq(transactions.transactionType, "transfer")))
  )[0]?.n ?? 0;

describe("POST /api/wallet/transfers", () => {
  it("moves money once for 20 concurrent requests with one key; the others replay or get 409", async () => {
    const [a, b] = await Promise.all([createTestUser(), createTestUser()]);
    await fundWallet(a.id, 100_000);
    const key = newId("idem");
    const body = { recipient: b.userCode, amountPaise: 2_500, note: "rent share" };
    const results = await Promise.all(Array.from({ length: 20 }, () => send(a.token, body, key)));
    const created = results.filter((r) => r.status === 201);
    const fresh = created.filter((r) => r.headers.get("idempotent-replayed") === null);
    expect(fresh).toHaveLength(1);
    for (const r of results) {
      if (r.status === 201) expect(r.body).toEqual(fresh[0]?.body);
      else {
        expect(r.status).toBe(409);
        expect(r.body.error?.code).toBe("REQUEST_IN_PROGRESS");
      }
    }
    for (const r of created.filter((x) => x !== fresh[0])) expect(r.headers.get("idempotent-replayed")).toBe("true");
    expect(await debits(a.id)).toBe(1);
    expect((await getBalance(db, a.id)).balancePaise).toBe(97_500);
    expect((await getBalance(db, b.id)).balancePaise).toBe(2_500);
    expect(fresh[0]?.body.transaction).toMatchObject({
      type: "transfer",
      ledgerType: "Transfer",
      status: "completed",
      amountPaise: 2_500,
      debitPaise: 2_500,
      creditPaise: 0,
      openingBalancePaise: 100_000,
      closingBalancePaise: 97_500,
      counterparty: { userCode: b.userCode, name: expect.any(String) },
      remarks: "rent share",
      feePaise: 0,
    });
    const createdAt = new Date(fresh[0]?.body.transaction.createdAt ?? "");
    expect(createdAt.getTime()).not.toBeNaN();
    expect(fresh[0]?.body.transaction.ledgerDate).toBe(istDate(createdAt));

    // Sequential retries afterwards: identical status and body every time, still one debit.
    for (let i = 0; i < 10; i++) {
      const again = await send(a.token, body, key);
      expect(again.status).toBe(201);
      expect(again.headers.get("idempotent-replayed")).toBe("true");
      expect(again.body).toEqual(fresh[0]?.body);
    }
    expect(await debits(a.id)).toBe(1);
    // One audit row, committed with the posting, naming the request that made it.
    expect(await auditRows("wallet.transferred", a.id)).toEqual([
      {
        actor: a.id,
        after: {
          reference: fresh[0]?.body.transaction.referenceNumber?.replace(/-D1$/, ""),
          recipientUserId: b.id,
          amountPaise: 2_500,
        },
        requestId: fresh[0]?.headers.get("x-request-id"),
      },
    ]);
    await expectLedgerClean();
  });

  it("a rejection is final for its key even after the wallet is funded; a new key then succeeds", async () => {
    const [a, b] = await Promise.all([createTestUser(), createTestUser()]);
    const key = newId("idem");
    const body = { recipient: b.phone, amountPaise: 5_000 };
    const first = await send(a.token, body, key);
    expect(first.status).toBe(422);
    expect(first.body.error?.code).toBe("INSUFFICIENT_FUNDS");
    await fundWallet(a.id, 50_000);
    const replay = await send(a.token, body, key);
    expect(replay.status).toBe(422);
    expect(replay.body.error?.code).toBe("INSUFFICIENT_FUNDS");
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(await debits(a.id)).toBe(0);
    const fresh = await send(a.token, body, newId("idem"));
    expect(fresh.status).toBe(201);
    expect((await getBalance(db, a.id)).balancePaise).toBe(45_000);
    expect(await auditRows("wallet.transferred", a.id)).toHaveLength(1); // the rejection left none
    await expectLedgerClean();
  });

  it("a replayed VALIDATION_FAILED keeps its details, from the Redis copy and from the MySQL record", async () => {
    const a = await createTestUser();
    await fundWallet(a.id, 1_000);
    const key = newId("idem");
    const body = { recipient: a.userCode, amountPaise: 100 }; // to oneself: a body mistake, final for the key
    const first = await send(a.token, body, key);
    const expected = {
      code: "VALIDATION_FAILED",
      details: [{ path: "recipient", message: "must be another user's wallet" }],
    };
    expect([first.status, first.body.error]).toMatchObject([400, expected]);
    await afterResponseSettled();
    const fromRedis = await send(a.token, body, key);
    expect([fromRedis.status, fromRedis.headers.get("idempotent-replayed"), fromRedis.body.error]).toMatchObject([
      400,
      "true",
      expected,
    ]);
    await redis.del(...(await redis.keys(`idem:${a.id}:*`)));
    const fromMysql = await send(a.token, body, key);
    expect([fromMysql.status, fromMysql.headers.get("idempotent-replayed"), fromMysql.body.error]).toMatchObject([
      400,
      "true",
      expected,
    ]);
    expect(await debits(a.id)).toBe(0);
    await expectLedgerClean();
  });

  it("same key with a different body → 422 IDEMPOTENCY_KEY_REUSED; another user's same key is their own", async () => {
    const [a, b, c] = await Promise.all([createTestUser(), createTestUser(), createTestUser()]);
    await Promise.all([fundWallet(a.id, 10_000), fundWallet(c.id, 10_000)]);
    const key = newId("idem");
    expect((await send(a.token, { recipient: b.username, amountPaise: 1_000 }, key)).status).toBe(201);
    const changed = await send(a.token, { recipient: b.username, amountPaise: 1_001 }, key);
    expect(changed.status).toBe(422);
    expect(changed.body.error?.code).toBe("IDEMPOTENCY_KEY_REUSED");
    const otherRecipient = await send(a.token, { recipient: c.username, amountPaise: 1_000 }, key);
    expect(otherRecipient.body.error?.code).toBe("IDEMPOTENCY_KEY_REUSED");
    const cSame = await send(c.token, { recipient: b.username, amountPaise: 1_000 }, key);
    expect(cSame.status).toBe(201);
    expect(cSame.headers.get("idempotent-replayed")).toBeNull();
    expect(cSame.body.transaction.openingBalancePaise).toBe(10_000);
    expect(await debits(a.id)).toBe(1);
    expect(await debits(c.id)).toBe(1);
    expect((await getBalance(db, b.id)).balancePaise).toBe(2_000);
    await expectLedgerClean();
  });

  it("a retry after Redis lost its copy replays the first answer even when the route's own checks now fail", async () => {
    const [a, b] = await Promise.all([createTestUser(), createTestUser()]);
    await fundWallet(a.id, 10_000);
    const key = newId("idem");
    const body = { recipient: b.phone, amountPaise: 1_000 };
    const first = await send(a.token, body, key);
    expect(first.status).toBe(201);
    await afterResponseSettled();
    await redis.del(...(await redis.keys(`idem:${a.id}:*`))); // the 1-hour Redis copy is gone; MySQL keeps 24 h
    // The recipient's lookup now fails (404) before any posting: the key's answer is still the transfer.
    await db
      .update(users)
      .set({ phone: `7${String(b.id).padStart(9, "0")}` })
      .where(eq(users.id, b.id));
    const retry = await send(a.token, body, key);
    expect(retry.status).toBe(201);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(retry.body).toEqual(first.body);
    // Another body under the key is 422, not its own 404, and caches nothing over the first answer.
    const other = await send(a.token, { recipient: "9000000001", amountPaise: 1_000 }, key);
    expect(other.status).toBe(422);
    expect(other.body.error?.code).toBe("IDEMPOTENCY_KEY_REUSED");
    await afterResponseSettled();
    const again = await send(a.token, body, key);
    expect([again.status, again.headers.get("idempotent-replayed")]).toEqual([201, "true"]);
    expect(again.body).toEqual(first.body);
    expect(await debits(a.id)).toBe(1);
    expect((await getBalance(db, b.id)).balancePaise).toBe(1_000);
    await expectLedgerClean();
  });

  it("a username equal to another user's code does not capture or block payments to that code", async () => {
    const [a, b, squatter] = await Promise.all([createTestUser(), createTestUser(), createTestUser()]);
    await fundWallet(a.id, 10_000);
    // A legacy row (registration now refuses such names): the squatter's username is b's code, lower-cased.
    await db.update(users).set({ username: b.userCode.toLowerCase() }).where(eq(users.id, squatter.id));
    const res = await send(a.token, { recipient: b.userCode, amountPaise: 500 }, newId("idem"));
    expect(res.status).toBe(201);
    expect(res.body.transaction.counterparty).toMatchObject({ userCode: b.userCode });
    expect([(await getBalance(db, b.id)).balancePaise, (await getBalance(db, squatter.id)).balancePaise]).toEqual([
      500, 0,
    ]);
    await expectLedgerClean();
  });

  it("pays a mobile number only to the wallet whose owner verified it", async () => {
    const [a, owner] = await Promise.all([createTestUser(), createTestUser({ phoneVerified: false })]);
    await fundWallet(a.id, 10_000);
    // Someone registered with this number and never proved it is theirs: not a payee.
    const refused = await send(a.token, { recipient: `+91 ${owner.phone}`, amountPaise: 500 }, newId("idem"));
    expect(refused.status).toBe(404);
    expect(refused.body.error?.code).toBe("NOT_FOUND");
    expect(await debits(a.id)).toBe(0);
    await db.update(users).set({ phoneVerified: true }).where(eq(users.id, owner.id));
    const paid = await send(a.token, { recipient: `0${owner.phone}`, amountPaise: 500 }, newId("idem"));
    expect(paid.status).toBe(201);
    expect((await getBalance(db, owner.id)).balancePaise).toBe(500);
    await expectLedgerClean();
  });

  it("refuses the 61st transfer in a minute with 429 and Retry-After, moving nothing and leaving its key usable", async () => {
    const [a, b] = await Promise.all([createTestUser(), createTestUser()]);
    await fundWallet(a.id, 100_000);
    startAtTheNextWindow("moneyPerUser");
    for (let i = 0; i < 60; i++) {
      expect((await send(a.token, { recipient: b.userCode, amountPaise: 100 }, newId("k"))).status, `#${i + 1}`).toBe(
        201,
      );
    }
    const key = newId("k");
    const body = { recipient: b.userCode, amountPaise: 1_000 };
    const limited = await send(a.token, body, key);
    expect(limited.status).toBe(429);
    expect(limited.body.error?.code).toBe("RATE_LIMITED");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await debits(a.id)).toBe(60);
    // Not the key's final answer: once the window has passed, the same request goes through, once.
    vi.setSystemTime(Date.now() + 2 * 60_000);
    const later = await send(a.token, body, key);
    expect(later.status).toBe(201);
    expect(later.headers.get("idempotent-replayed")).toBeNull();
    expect((await send(a.token, body, key)).headers.get("idempotent-replayed")).toBe("true");
    expect((await getBalance(db, a.id)).balancePaise).toBe(100_000 - 60 * 100 - 1_000);
    await expectLedgerClean();
  });

  it("answers client mistakes with 4xx and moves nothing", async () => {
    const [a, b, unverified] = await Promise.all([
      createTestUser(),
      createTestUser(),
      createTestUser({ kycStatus: "pending" }),
    ]);
    await Promise.all([fundWallet(a.id, 10_000), fundWallet(unverified.id, 10_000)]);
    const ok = { recipient: b.userCode, amountPaise: 100 };
    const cases: [string, Promise<Awaited<ReturnType<typeof send>>>, number, string][] = [
      ["no key", send(a.token, ok), 400, "BAD_REQUEST"],
      ["unknown field", send(a.token, { ...ok, fromUserId: b.id }, newId("k")), 400, "VALIDATION_FAILED"],
      ["float amount", send(a.token, { ...ok, amountPaise: 10.5 }, newId("k")), 400, "VALIDATION_FAILED"],
      ["zero amount", send(a.token, { ...ok, amountPaise: 0 }, newId("k")), 400, "VALIDATION_FAILED"],
      ["unknown recipient", send(a.token, { ...ok, recipient: "nobody_here_123" }, newId("k")), 404, "NOT_FOUND"],
      ["self", send(a.token, { ...ok, recipient: a.userCode }, newId("k")), 400, "VALIDATION_FAILED"],
      ["kyc", send(unverified.token, ok, newId("k")), 403, "KYC_REQUIRED"],
      // KYC first: an unverified account cannot probe which numbers or names are registered.
      [
        "kyc, unknown recipient",
        send(unverified.token, { ...ok, recipient: "nobody_here_123" }, newId("k")),
        403,
        "KYC_REQUIRED",
      ],
      ["kyc, self", send(unverified.token, { ...ok, recipient: unverified.userCode }, newId("k")), 403, "KYC_REQUIRED"],
    ];
    for (const [name, pending, status, code] of cases) {
      const res = await pending;
      expect(res.status, name).toBe(status);
      expect(res.body.error?.code, name).toBe(code);
    }
    const anon = await call(transfersRoute, { method: "POST", path: PATH, body: ok, idempotencyKey: newId("k") });
    expect(anon.status).toBe(401);
    expect(await debits(a.id)).toBe(0);
    expect(await debits(unverified.id)).toBe(0);
    await expectLedgerClean();
  });
});
