/**
 * PhonePe top-up flow over real HTTP (API ⇄ simulator ⇄ webhook route): duplicate, replayed, reordered,
 * dropped, forged and tampered webhooks, redirect before/after the webhook, amount mismatch, late
 * completion and cap breaches — each ends with exactly one credit per paid order (or none) and a clean
 * ledger verifier.
 */
import { describe, expect, it } from "vitest";
import { env } from "../../lib/env.js";
import { tapLogs } from "../../lib/log.js";
import { webhookAuthorization } from "../../lib/phonepe/index.js";
import { createTestUser } from "../helpers/factories.js";
import {
  auditActions,
  type Body,
  balanceOf,
  creditPostings,
  getPaymentApi,
  initiate,
  makeChecksDue,
  paymentRow,
  postWebhook,
  runCron,
  sim,
  simConfig,
  simWebhooks,
  usePhonePeHarness,
  waitFor,
} from "../helpers/phonepe.js";

const server = usePhonePeHarness();

const goodAuth = () => webhookAuthorization(env.PHONEPE_WEBHOOK_USERNAME, env.PHONEPE_WEBHOOK_PASSWORD);

async function paidOrder(amountPaise = 25_000, kycStatus: "verified" | "pending" = "verified", key?: string) {
  const user = await createTestUser({ kycStatus });
  const res = await initiate(user, amountPaise, key);
  expect(res.status).toBe(201);
  return { user, id: res.body.paymentId as number, mid: res.body.merchantOrderId as string, body: res.body };
}

describe("initiate", () => {
  it("creates one PhonePe order with a redirect URL; the same key replays it; bad input is rejected", async () => {
    const user = await createTestUser();
    const first = await initiate(user, 15_000, "same-key-1");
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      paymentId: expect.any(Number),
      merchantOrderId: expect.stringMatching(/^[A-Za-z0-9_-]{1,63}$/),
      redirectUrl: expect.stringContaining("/__phonepe/checkout/"),
      expiresAt: expect.any(String),
    });
    const again = await initiate(user, 15_000, "same-key-1");
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body.paymentId).toBe(first.body.paymentId);
    expect((await initiate(user, 16_000, "same-key-1")).status).toBe(422);

    expect((await initiate(user, 99)).body.error.code).toBe("VALIDATION_FAILED");
    const mod = await import("../../api/payments/initiate.js");
    const { call } = await import("../helpers/request.js");
    const noKey = await call<Body>(mod, { method: "POST", token: user.token, body: { amountPaise: 1000 } });
    expect(noKey.body.error.code).toBe("BAD_REQUEST");
    const extra = await call<Body>(mod, {
      method: "POST",
      token: user.token,
      body: { amountPaise: 1000, userId: 1 },
      idempotencyKey: "x1",
    });
    expect(extra.body.error.code).toBe("VALIDATION_FAILED");
    expect((await call<Body>(mod, { method: "POST", body: { amountPaise: 1000 }, idempotencyKey: "x2" })).status).toBe(
      401,
    );

    const status = await getPaymentApi(user, first.body.paymentId);
    expect(status.body).toMatchObject({ paymentId: first.body.paymentId, amountPaise: 15_000, status: "pending" });
    const stranger = await createTestUser();
    expect((await getPaymentApi(stranger, first.body.paymentId)).status).toBe(404);
    expect(await balanceOf(user.id)).toBe(0);
  });

  it("KYC-tier loading caps are checked before any order is created", async () => {
    const user = await createTestUser({ kycStatus: "pending" }); // small PPI: ₹10,000 balance cap
    const res = await initiate(user, 10_000_01);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("LIMIT_EXCEEDED");
  });
});

describe("webhooks → exactly one credit", () => {
  it("duplicate deliveries, a replay and 10 parallel replays credit once; the return page then shows success", async () => {
    await simConfig({ webhookDuplicates: 2 });
    const { user, id, mid } = await paidOrder(25_000, "verified", "dup-key");
    expect((await sim(`/orders/${mid}/complete`)).status).toBe(200);
    await waitFor(async () => (await paymentRow(id)).status === "success", 8000, "credit");
    const delivered = (await simWebhooks()).filter((w) => w.event === "checkout.order.completed");
    expect(delivered.length).toBe(3);
    expect(delivered.every((w) => w.status === 200)).toBe(true);

    const replay = delivered[0] as { body: string; authorization: string };
    expect((await postWebhook(replay.body, replay.authorization)).status).toBe(200);
    const parallel = await Promise.all(
      Array.from({ length: 10 }, () => postWebhook(replay.body, replay.authorization)),
    );
    expect(parallel.every((r) => r.status === 200)).toBe(true);

    expect(await creditPostings(mid)).toBe(1);
    expect(await balanceOf(user.id)).toBe(25_000);
    const row = await paymentRow(id);
    expect(row).toMatchObject({ status: "success", paymentMethod: "upi", flagReason: null });
    expect(row.callbackData).toMatchObject({ event: "checkout.order.completed", payload: { merchantOrderId: mid } });
    expect(row.transactionId).not.toBeNull();
    expect((await auditActions(id)).filter((a) => a === "payment.succeeded")).toHaveLength(1);

    const ret = await fetch(`${server.url()}/api/payments/return?merchantOrderId=${mid}`, { redirect: "manual" });
    expect(ret.status).toBe(302);
    expect(ret.headers.get("location")).toBe(`http://frontend.test/payments/result?paymentId=${id}&status=success`);
    // A replay of the initiate after Redis lost its cache rebuilds the same 201 from the row.
    const { redis } = await import("../../lib/redis.js");
    const cached = await redis.keys(`idem:${user.id}:*`);
    expect(cached.length).toBeGreaterThan(0);
    for (const key of cached) await redis.del(key);
    const replayed = await initiate(user, 25_000, "dup-key");
    expect(replayed.status).toBe(201);
    expect(replayed.body).toMatchObject({
      paymentId: id,
      merchantOrderId: mid,
      redirectUrl: expect.stringContaining(mid),
    });
    expect((await getPaymentApi(user, id)).body).toMatchObject({
      status: "success",
      paymentMethod: "upi",
      completedAt: expect.any(String),
    });
  });

  it("redirect before the webhook: the return page confirms with PhonePe, the late webhook is a no-op", async () => {
    await simConfig({ webhookDelayMs: 800 });
    const { user, mid } = await paidOrder(30_000);
    await sim(`/orders/${mid}/complete`);
    const ret = await fetch(`${server.url()}/api/payments/return?merchantOrderId=${mid}`, { redirect: "manual" });
    expect(ret.headers.get("location")).toContain("status=success");
    expect(await balanceOf(user.id)).toBe(30_000);
    await waitFor(
      async () => (await simWebhooks()).some((w) => w.event === "checkout.order.completed" && w.status === 200),
      5000,
      "late webhook",
    );
    expect(await creditPostings(mid)).toBe(1);
    expect(await balanceOf(user.id)).toBe(30_000);
  });

  it("reordered delivery (terminal event first, stale attempt-failed after) never moves the payment backwards", async () => {
    await simConfig({ webhookReorder: true });
    const { user, id, mid } = await paidOrder(12_300);
    await sim(`/orders/${mid}/complete`);
    const events = (await simWebhooks()).map((w) => w.event);
    expect(events).toEqual(["checkout.order.completed", "checkout.transaction.attempt.failed"]);
    expect((await paymentRow(id)).status).toBe("success");
    expect(await creditPostings(mid)).toBe(1);
    expect(await balanceOf(user.id)).toBe(12_300);
  });

  it("a dropped webhook is caught up by the reconciler cron (which needs the cron secret)", async () => {
    await simConfig({ webhookDrop: true });
    const { user, id, mid } = await paidOrder(40_000);
    await sim(`/orders/${mid}/complete`);
    expect(await simWebhooks()).toEqual([]);
    expect((await paymentRow(id)).status).toBe("pending");
    expect((await runCron("wrong-secret-wrong-secret")).status).toBe(401);
    // Not yet due (PhonePe's schedule starts 20 s after creation): the cron leaves it alone. (Counts
    // are not asserted exactly: earlier files in this worker may have left payments that fall due.)
    await runCron();
    expect((await paymentRow(id)).status).toBe("pending");
    expect(await balanceOf(user.id)).toBe(0);
    await makeChecksDue(id);
    const run = await runCron();
    expect(run.status).toBe(200);
    expect(run.body.paymentsChecked).toBeGreaterThanOrEqual(1);
    expect(await balanceOf(user.id)).toBe(40_000);
    await makeChecksDue(id);
    await runCron(); // idempotent: a second pass changes nothing
    expect(await creditPostings(mid)).toBe(1);
    expect(await balanceOf(user.id)).toBe(40_000);
  });

  it("webhook, return page, status GET and cron racing on one paid order → one credit", async () => {
    await simConfig({ webhookDrop: true });
    const { user, id, mid } = await paidOrder(17_700);
    await sim(`/orders/${mid}/complete`);
    await makeChecksDue(id);
    const body = JSON.stringify({
      event: "checkout.order.completed",
      payload: { merchantOrderId: mid, state: "COMPLETED" },
    });
    await Promise.all([
      ...Array.from({ length: 4 }, () => postWebhook(body, goodAuth())),
      ...Array.from({ length: 3 }, () =>
        fetch(`${server.url()}/api/payments/return?merchantOrderId=${mid}`, { redirect: "manual" }),
      ),
      getPaymentApi(user, id),
      runCron(),
      runCron(),
    ]);
    expect((await paymentRow(id)).status).toBe("success");
    expect(await creditPostings(mid)).toBe(1);
    expect(await balanceOf(user.id)).toBe(17_700);
    expect((await auditActions(id)).filter((a) => a === "payment.succeeded")).toHaveLength(1);
  });

  it("a failed order is marked failed (audited) and credits nothing", async () => {
    const { user, id, mid } = await paidOrder(5_000);
    await sim(`/orders/${mid}/fail`);
    await waitFor(async () => (await paymentRow(id)).status === "failed", 5000, "failed");
    expect(await balanceOf(user.id)).toBe(0);
    expect(await creditPostings(mid)).toBe(0);
    expect(await auditActions(id)).toEqual(["payment.initiated", "payment.failed"]);
  });
});

describe("forged, tampered and lying webhooks", () => {
  it("a forged Authorization header gets 401 and nothing is credited", async () => {
    await simConfig({ webhookForged: true });
    const { user, id, mid } = await paidOrder(20_000);
    await sim(`/orders/${mid}/complete`);
    const hooks = await simWebhooks();
    expect(hooks.length).toBeGreaterThan(0);
    expect(hooks.every((w) => w.status === 401)).toBe(true);
    expect((await paymentRow(id)).status).toBe("pending");
    expect(await balanceOf(user.id)).toBe(0);
  });

  it("tampered headers (one char, missing, prefixed) → 401; a valid header on a lying body credits nothing", async () => {
    const { user, id, mid } = await paidOrder(20_000);
    const lie = JSON.stringify({
      event: "checkout.order.completed",
      type: "CHECKOUT_ORDER_COMPLETED",
      payload: { merchantOrderId: mid, state: "COMPLETED", amount: 20_000, paymentDetails: [] },
    });
    const good = goodAuth();
    const oneOff = `${good.slice(0, 10)}${good[10] === "a" ? "b" : "a"}${good.slice(11)}`;
    expect((await postWebhook(lie, oneOff)).status).toBe(401);
    expect((await postWebhook(lie, null)).status).toBe(401);
    expect((await postWebhook(lie, `Bearer ${good}`)).status).toBe(401);
    expect((await postWebhook(lie, good.slice(0, 32))).status).toBe(401);
    // Authenticated, but PhonePe's status API says the order is still PENDING: no credit.
    expect((await postWebhook(lie, good)).status).toBe(200);
    expect((await postWebhook("not json", good)).status).toBe(400);
    expect((await paymentRow(id)).status).toBe("pending");
    expect(await balanceOf(user.id)).toBe(0);
    expect(await creditPostings(mid)).toBe(0);
  });

  it("COMPLETED for a different amount is not credited, is flagged, audited and logged as an error", async () => {
    const lines: string[] = [];
    const untap = tapLogs((l) => lines.push(l));
    try {
      const { user, id, mid } = await paidOrder(50_000);
      await sim(`/orders/${mid}/complete`, { amount: 500 });
      await waitFor(async () => (await paymentRow(id)).flagReason !== null, 5000, "flag");
      const row = await paymentRow(id);
      expect(row).toMatchObject({ status: "failed", flagReason: "amount_mismatch", transactionId: null });
      expect(await balanceOf(user.id)).toBe(0);
      expect(await creditPostings(mid)).toBe(0);
      expect(await auditActions(id)).toContain("payment.amount_mismatch");
      expect(lines.some((l) => l.includes('"level":"error"') && l.includes("different amount"))).toBe(true);
      // Later checks (cron, status GET) never credit a flagged order.
      await makeChecksDue(id);
      await runCron();
      expect((await getPaymentApi(user, id)).body.status).toBe("failed");
      expect(await balanceOf(user.id)).toBe(0);
    } finally {
      untap();
    }
  });
});

describe("late completion and caps at credit time", () => {
  it("an order we marked expired that PhonePe completes later is still credited, once", async () => {
    const { user, id, mid } = await paidOrder(7_500);
    await sim(`/orders/${mid}/expire`);
    await db_setCheckedLongAgo(id);
    const seen = await getPaymentApi(user, id);
    expect(["expired", "failed"]).toContain(seen.body.status);
    expect((await sim(`/orders/${mid}/complete`, { force: true })).status).toBe(200);
    await waitFor(async () => (await paymentRow(id)).status === "success", 5000, "late credit");
    expect(await balanceOf(user.id)).toBe(7_500);
    expect(await creditPostings(mid)).toBe(1);
    expect(await auditActions(id)).toEqual(expect.arrayContaining(["payment.late_succeeded"]));
  });

  it("a paid order that would break the KYC balance cap at credit time is refunded automatically", async () => {
    const user = await createTestUser({ kycStatus: "pending" }); // small PPI: ₹10,000 cap
    const a = await initiate(user, 600_000);
    const b = await initiate(user, 600_000); // both pass the up-front check while the balance is 0
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    await sim(`/orders/${a.body.merchantOrderId}/complete`);
    await sim(`/orders/${b.body.merchantOrderId}/complete`);
    await waitFor(async () => (await paymentRow(b.body.paymentId)).status === "refunded", 8000, "auto refund");
    expect(await balanceOf(user.id)).toBe(600_000);
    expect(await creditPostings(a.body.merchantOrderId)).toBe(1);
    expect(await creditPostings(b.body.merchantOrderId)).toBe(0);
    const refunded = await paymentRow(b.body.paymentId);
    expect(refunded.flagReason).toBe("cap_exceeded_refunded");
    expect(await auditActions(b.body.paymentId)).toEqual(
      expect.arrayContaining(["payment.auto_refund_started", "refund.completed"]),
    );
  });
});

async function db_setCheckedLongAgo(id: number) {
  const { db } = await import("../../lib/db/index.js");
  const { payments } = await import("../../db/schema/index.js");
  const { eq } = await import("drizzle-orm");
  // The row was looked at a minute ago and PhonePe's window is over: the next look checks again.
  await db
    .update(payments)
    .set({ lastCheckedAt: new Date(Date.now() - 60_000), expiresAt: new Date(Date.now() - 60_000) })
    .where(eq(payments.id, id));
}
