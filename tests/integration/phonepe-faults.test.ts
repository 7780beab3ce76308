/**
 * The PhonePe client under faults, end to end through the API and the simulator: token revoked
 * mid-flow, 429 and 500 answers, timeouts whose request did take effect — never lost or double money.
 * Plus the webhook-authorization primitive (test vector, constant-time compare on equal lengths).
 */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { payments } from "../../db/schema/index.js";
import { db } from "../../lib/db/index.js";
import { env } from "../../lib/env.js";
import { syncPayment } from "../../lib/payments/sync-payment.js";
import {
  getOrderStatus,
  invalidateToken,
  isNotFoundAtPhonePe,
  PhonePeAuthenticationError,
  verifyWebhookAuthorization,
  webhookAuthorization,
} from "../../lib/phonepe/index.js";
import { redis } from "../../lib/redis.js";
import { createTestUser } from "../helpers/factories.js";
import {
  balanceOf,
  countPaymentsLike,
  creditPostings,
  initiate,
  makeChecksDue,
  paymentRow,
  postWebhook,
  resetSim,
  runCron,
  sim,
  simCalls,
  simConfig,
  simWebhooks,
  usePhonePeHarness,
  waitFor,
} from "../helpers/phonepe.js";

usePhonePeHarness();

const callsTo = async (target: string) => (await simCalls()).filter((c) => c.target === target).length;

describe("webhook authorization", () => {
  it("matches PhonePe's SDK test vector and rejects wrong, short, long, prefixed or missing headers", () => {
    expect(webhookAuthorization("username", "password")).toBe(
      "bc842c31a9e54efe320d30d948be61291f3ceee4766e36ab25fa65243cd76e0e",
    );
    const good = webhookAuthorization("u1", "p1");
    expect(verifyWebhookAuthorization(good, "u1", "p1")).toBe(true);
    expect(verifyWebhookAuthorization(good.toUpperCase(), "u1", "p1")).toBe(true);
    expect(verifyWebhookAuthorization(good, "u1", "p2")).toBe(false);
    expect(verifyWebhookAuthorization(good.slice(1), "u1", "p1")).toBe(false);
    expect(verifyWebhookAuthorization(`${good}0`, "u1", "p1")).toBe(false);
    expect(verifyWebhookAuthorization(`Basic ${good}`, "u1", "p1")).toBe(false);
    expect(verifyWebhookAuthorization("", "u1", "p1")).toBe(false);
    expect(verifyWebhookAuthorization(null, "u1", "p1")).toBe(false);
  });
});

describe("OAuth token", () => {
  it("is cached across calls and refreshed once after PhonePe revokes it (401 → refresh → retry)", async () => {
    const user = await createTestUser();
    const res = await initiate(user, 10_000);
    const mid = res.body.merchantOrderId as string;
    await resetSim();
    for (let i = 0; i < 3; i++) expect((await getOrderStatus(mid)).state).toBe("PENDING");
    expect(await callsTo("token")).toBe(0); // the token from initiate is reused from Redis

    await simConfig({ revokeTokens: true }); // expiry mid-flow: every issued token is now invalid
    await sim(`/orders/${mid}/complete`); // webhook → status API → 401 → new token → retry
    await waitFor(async () => (await paymentRow(res.body.paymentId)).status === "success", 5000, "credit");
    expect(await callsTo("token")).toBe(1);
    expect(await creditPostings(mid)).toBe(1);
    expect(await balanceOf(user.id)).toBe(10_000);
  });

  it("is refreshed proactively before it expires (no 401 needed)", async () => {
    const user = await createTestUser();
    const res = await initiate(user, 10_000);
    const mid = res.body.merchantOrderId as string;
    // Lifetime 302 s → refresh due at min(half-life, expires_at − 300 s) = 2 s after issue.
    await simConfig({ tokenTtlSeconds: 302, revokeTokens: true });
    await invalidateToken();
    await getOrderStatus(mid);
    await getOrderStatus(mid);
    expect(await callsTo("token")).toBe(1);
    await new Promise((r) => setTimeout(r, 2_100));
    await getOrderStatus(mid);
    expect(await callsTo("token")).toBe(2);
  });

  it("a token refused with a 4xx is an authentication error, not PhonePe rejecting the call it was for", async () => {
    const user = await createTestUser();
    const res = await initiate(user, 10_000);
    await invalidateToken();
    await simConfig({ faults: { token: { mode: 400, count: 1 } } });
    // Callers read PhonePeInvalidRequestError as "PhonePe refused this order/refund" (final).
    const error = await getOrderStatus(res.body.merchantOrderId).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PhonePeAuthenticationError);
    expect(isNotFoundAtPhonePe(error)).toBe(false);
  });
});

describe("429 / 500 / timeouts", () => {
  it("429 twice on order status: retried with backoff, credited once", async () => {
    const user = await createTestUser();
    const res = await initiate(user, 11_000);
    await simConfig({ faults: { status: { mode: 429, count: 2 } } });
    await sim(`/orders/${res.body.merchantOrderId}/complete`);
    await waitFor(async () => (await paymentRow(res.body.paymentId)).status === "success", 8000, "credit");
    expect(await callsTo("status")).toBeGreaterThanOrEqual(3);
    expect(await creditPostings(res.body.merchantOrderId)).toBe(1);
    expect(await balanceOf(user.id)).toBe(11_000);
  });

  it("500 twice on pay: the retry reuses the same merchantOrderId, one order, one payment row", async () => {
    const user = await createTestUser();
    await simConfig({ faults: { pay: { mode: 500, count: 2 } } });
    const res = await initiate(user, 12_000);
    expect(res.status).toBe(201);
    expect(await callsTo("pay")).toBe(3);
    expect(await countPaymentsLike(user.id)).toBe(1);
    await sim(`/orders/${res.body.merchantOrderId}/complete`);
    await waitFor(async () => (await paymentRow(res.body.paymentId)).status === "success", 5000, "credit");
    expect(await balanceOf(user.id)).toBe(12_000);
  });

  it("a pay call that took effect but timed out is retried with the same id and answers with the same order", async () => {
    const user = await createTestUser();
    await simConfig({ timeoutMs: 2_600, faults: { pay: { mode: "timeout", count: 1 } } });
    const res = await initiate(user, 13_000);
    expect(res.status).toBe(201);
    expect(await callsTo("pay")).toBe(2);
    expect(await countPaymentsLike(user.id)).toBe(1);
    await sim(`/orders/${res.body.merchantOrderId}/complete`);
    await waitFor(async () => (await paymentRow(res.body.paymentId)).status === "success", 5000, "credit");
    expect(await creditPostings(res.body.merchantOrderId)).toBe(1);
    expect(await balanceOf(user.id)).toBe(13_000);
  });

  it("a repeat while the first top-up still waits on PhonePe gets 409 and calls PhonePe no more", async () => {
    const user = await createTestUser();
    // The first pay call hangs past our 2 s timeout; the first request then retries it.
    await simConfig({ timeoutMs: 2_600, faults: { pay: { mode: "timeout", count: 1 } } });
    const first = initiate(user, 15_000, "inflight-key");
    await waitFor(async () => (await callsTo("pay")) >= 1, 5000, "the first pay call");
    // The payment row and the key's record are committed already; the answer is not.
    const repeat = await initiate(user, 15_000, "inflight-key");
    expect([repeat.status, repeat.body.error?.code]).toEqual([409, "REQUEST_IN_PROGRESS"]);
    const done = await first;
    expect(done.status).toBe(201);
    expect(await callsTo("pay")).toBe(2); // the first request's two tries, none from the repeat
    // Its answer was cached before it was sent, so a repeat right after it replays (no 409 window).
    const later = await initiate(user, 15_000, "inflight-key");
    expect([later.status, later.headers.get("idempotent-replayed"), later.body]).toEqual([201, "true", done.body]);
  });

  it("PhonePe refusing the order closes the payment, and every retry of the key gets the same answer", async () => {
    const user = await createTestUser();
    await simConfig({ faults: { pay: { mode: 400, count: 1 } } });
    const first = await initiate(user, 16_000, "refused-key");
    expect([first.status, first.body.error?.code]).toEqual([502, "PAYMENT_PROVIDER_ERROR"]);
    expect(first.body.error.message).toMatch(/could not create this payment; start a new top-up/);
    const [row] = await db.select().from(payments).where(eq(payments.userId, user.id));
    expect(row?.status).toBe("failed");
    const again = await initiate(user, 16_000, "refused-key");
    expect([again.status, again.body.error?.message]).toEqual([502, first.body.error.message]);
    expect(await callsTo("pay")).toBe(1); // a retry does not ask PhonePe again
  });

  it("a top-up first answered on its retry keeps that answer for replays after Redis lost its copy", async () => {
    const user = await createTestUser();
    await simConfig({ faults: { pay: { mode: 503, count: 99 } } });
    expect((await initiate(user, 17_000, "late-answer-key")).status).toBe(502);
    await simConfig({ reset: true });
    const answered = await initiate(user, 17_000, "late-answer-key"); // resumes the order: the key's answer
    expect(answered.status).toBe(201);
    await redis.del(...(await redis.keys(`idem:${user.id}:*`)));
    const replay = await initiate(user, 17_000, "late-answer-key");
    expect([replay.status, replay.headers.get("idempotent-replayed"), replay.body]).toEqual([
      201,
      "true",
      answered.body,
    ]);
  });

  it("PhonePe down for pay → 502 and nothing half-done; the same Idempotency-Key later resumes the SAME order", async () => {
    const user = await createTestUser();
    await simConfig({ faults: { pay: { mode: 503, count: 99 } } });
    const first = await initiate(user, 14_000, "resume-key");
    expect(first.status).toBe(502);
    expect(first.body.error.code).toBe("PAYMENT_PROVIDER_ERROR");
    expect(await countPaymentsLike(user.id)).toBe(1);
    await simConfig({ reset: true });
    const again = await initiate(user, 14_000, "resume-key");
    expect(again.status).toBe(201);
    expect(await countPaymentsLike(user.id)).toBe(1);
    const row = await paymentRow(again.body.paymentId);
    expect(row.phonepeMerchantTransactionId).toBe(again.body.merchantOrderId);
    await sim(`/orders/${again.body.merchantOrderId}/complete`);
    await waitFor(async () => (await paymentRow(again.body.paymentId)).status === "success", 5000, "credit");
    expect(await balanceOf(user.id)).toBe(14_000);
  });

  it("a slow status API does not hold the webhook answer past PhonePe's budget; the credit still lands once", async () => {
    const user = await createTestUser();
    const res = await initiate(user, 16_000);
    const { paymentId, merchantOrderId } = res.body;
    await simConfig({ webhookDrop: true });
    await sim(`/orders/${merchantOrderId}/complete`);
    await simConfig({ timeoutMs: 2_300, faults: { status: { mode: "timeout", count: 2 } } });
    const body = JSON.stringify({
      event: "checkout.order.completed",
      payload: { merchantOrderId, state: "COMPLETED" },
    });
    const started = Date.now();
    const hook = await postWebhook(
      body,
      webhookAuthorization(env.PHONEPE_WEBHOOK_USERNAME, env.PHONEPE_WEBHOOK_PASSWORD),
    );
    const took = Date.now() - started;
    expect(hook.status).toBe(200);
    expect(took).toBeLessThan(3_500); // two timed-out attempts alone take > 4 s
    expect((await paymentRow(paymentId)).status).toBe("pending");
    await waitFor(async () => (await paymentRow(paymentId)).status === "success", 8000, "background credit");
    expect(await creditPostings(merchantOrderId)).toBe(1);
    expect(await balanceOf(user.id)).toBe(16_000);
  }, 20_000);

  it("status API failing (500s, then timeouts) during the webhook: nothing credited yet, the cron credits once later", async () => {
    const user = await createTestUser();
    const res = await initiate(user, 15_000);
    const { paymentId, merchantOrderId } = res.body;
    await simConfig({ faults: { status: { mode: 500, count: 99 } } });
    await sim(`/orders/${merchantOrderId}/complete`);
    expect((await simWebhooks()).filter((w) => w.event === "checkout.order.completed")[0]?.status).toBe(200);
    expect((await paymentRow(paymentId)).status).toBe("pending");
    expect(await balanceOf(user.id)).toBe(0);

    // Every status call times out while the faults last: the cron may also check payments that earlier
    // files in this worker left due, and a count of 3 could be used up by those before ours.
    await simConfig({ timeoutMs: 2_500, faults: { status: { mode: "timeout", count: 99 } } });
    await makeChecksDue(paymentId);
    await runCron();
    expect((await paymentRow(paymentId)).status).toBe("pending");
    expect(await balanceOf(user.id)).toBe(0);

    await resetSim(); // PhonePe is healthy again
    await makeChecksDue(paymentId);
    const ok = await runCron();
    // At least ours: earlier files in this worker may have left payments that are due too.
    expect(ok.body.paymentsChecked).toBeGreaterThanOrEqual(1);
    expect((await paymentRow(paymentId)).status).toBe("success");
    await makeChecksDue(paymentId);
    await runCron();
    expect(await creditPostings(merchantOrderId)).toBe(1);
    expect(await balanceOf(user.id)).toBe(15_000);
  }, 60_000);

  it("a check PhonePe keeps failing waits its polling step, so such rows cannot take the queue's head", async () => {
    const user = await createTestUser();
    const res = await initiate(user, 12_000);
    const { paymentId } = res.body;
    // Ten minutes old: PhonePe's plan checks it once a minute.
    await db
      .update(payments)
      .set({ createdAt: new Date(Date.now() - 10 * 60_000) })
      .where(eq(payments.id, paymentId));
    await simConfig({ faults: { status: { mode: 500, count: 3 } } });
    const now = new Date();
    await syncPayment(paymentId, now);
    expect((await paymentRow(paymentId)).status).toBe("pending");
    const next = (await paymentRow(paymentId)).nextCheckAt as Date;
    expect(next.getTime()).toBeGreaterThanOrEqual(now.getTime() + 60_000 - 1_000); // not in 10 s
  });
});
