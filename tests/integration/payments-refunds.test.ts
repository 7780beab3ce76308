/**
 * Admin refunds of PhonePe top-ups (reliability-recipes R7): full and partial, concurrent refunds never
 * beyond the captured amount, the wallet debited through a hold captured on COMPLETED and voided on
 * FAILED, a refund whose answer was lost re-sent with the same id, and authorization.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { and, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import {
  auditLogs,
  paymentRefunds,
  payments,
  postings as postingsTable,
  users,
  walletHolds,
} from "../../db/schema/index.js";
import { db, pool } from "../../lib/db/index.js";
import { ledgerFaults } from "../../lib/ledger/faults.js";
import { createHold, getLimitsSummary, post, sweepExpiredHolds, voidHold } from "../../lib/ledger/index.js";
import { paise } from "../../lib/money/index.js";
import { refundHoldReference } from "../../lib/payments/settle-refund.js";
import { syncRefund } from "../../lib/payments/sync-refund.js";
import { invalidateToken } from "../../lib/phonepe/index.js";
import { redis } from "../../lib/redis.js";
import { createTestUser, type TestUser } from "../helpers/factories.js";
import { expectLedgerClean, fundWallet, testRef } from "../helpers/ledger.js";
import {
  auditActions,
  type Body,
  balanceOf,
  creditPostings,
  initiate,
  makeChecksDue,
  paymentRow,
  runCron,
  sim,
  simCalls,
  simConfig,
  usePhonePeHarness,
  waitFor,
} from "../helpers/phonepe.js";
import { call } from "../helpers/request.js";

usePhonePeHarness();
let admin: TestUser;
beforeAll(async () => {
  admin = await createTestUser({ role: "admin" });
});

async function refund(paymentId: number, amountPaise: number, as: TestUser = admin, key = `rf-${randomUUID()}`) {
  const mod = await import("../../api/admin/payments/[id]/refund.js");
  return call<Body>(mod, {
    method: "POST",
    path: `/api/admin/payments/${paymentId}/refund`,
    query: { id: paymentId },
    token: as.token,
    body: { amountPaise, reason: "customer request" },
    idempotencyKey: key,
  });
}

async function paidTopUp(amountPaise: number) {
  const user = await createTestUser();
  const res = await initiate(user, amountPaise);
  await sim(`/orders/${res.body.merchantOrderId}/complete`);
  await waitFor(async () => (await paymentRow(res.body.paymentId)).status === "success", 5000, "credit");
  return { user, id: res.body.paymentId as number, mid: res.body.merchantOrderId as string };
}

const heldOf = async (userId: number) =>
  Number((await db.select({ h: users.heldBalance }).from(users).where(eq(users.id, userId)))[0]?.h);
const refundRow = async (merchantRefundId: string) =>
  (await db.select().from(paymentRefunds).where(eq(paymentRefunds.merchantRefundId, merchantRefundId)))[0];

describe("admin refunds", () => {
  it("a full refund holds the money, PhonePe completes it, the hold is captured once; the key replays", async () => {
    const { user, id } = await paidTopUp(20_000);
    await simConfig({ refundOutcome: "pending" });
    const res = await refund(id, 20_000, admin, "full-refund-key");
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ refundId: expect.stringMatching(/^NXR-/), status: "pending" });
    expect(await heldOf(user.id)).toBe(20_000);
    expect(await balanceOf(user.id)).toBe(20_000);
    const replay = await refund(id, 20_000, admin, "full-refund-key");
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.body.refundId).toBe(res.body.refundId);
    // With Redis's copy gone the durable record answers, before a second refund row or hold is reserved
    // (a rerun would also meet "nothing left to refund" and answer 409).
    await redis.del(...(await redis.keys(`idem:${admin.id}:*`)));
    const fromRecord = await refund(id, 20_000, admin, "full-refund-key");
    expect([fromRecord.status, fromRecord.headers.get("idempotent-replayed")]).toEqual([202, "true"]);
    expect(fromRecord.body.refundId).toBe(res.body.refundId);
    expect(await db.select().from(paymentRefunds).where(eq(paymentRefunds.paymentId, id))).toHaveLength(1);
    expect(await heldOf(user.id)).toBe(20_000);

    await sim(`/refunds/${res.body.refundId}/complete`);
    await waitFor(async () => (await refundRow(res.body.refundId))?.status === "completed", 5000, "refund completed");
    // A second completion signal (cron) changes nothing.
    await db.update(paymentRefunds).set({ nextCheckAt: new Date(Date.now() - 1000) });
    await runCron();
    expect(await balanceOf(user.id)).toBe(0);
    expect(await heldOf(user.id)).toBe(0);
    const row = await paymentRow(id);
    expect(row.status).toBe("refunded");
    expect(row.refundAmount).toBe(20_000);
    expect(await auditActions(id)).toEqual(
      expect.arrayContaining(["refund.requested", "refund.confirmed", "refund.completed"]),
    );
  });

  it("concurrent partial refunds never exceed the captured amount", async () => {
    const { user, id } = await paidTopUp(10_000);
    const [a, b] = await Promise.all([refund(id, 6_000), refund(id, 6_000)]);
    expect([a.status, b.status].sort()).toEqual([202, 409]);
    expect((await refund(id, 4_000)).status).toBe(202);
    const over = await refund(id, 100);
    expect(over.status).toBe(409);
    expect(over.body.error.code).toBe("CONFLICT");
    await waitFor(async () => (await paymentRow(id)).status === "refunded", 5000, "both refunds completed");
    expect(await balanceOf(user.id)).toBe(0);
    expect(await heldOf(user.id)).toBe(0);
  });

  it("a top-up's credit and the payment's link to its line commit together, so a paid top-up stays refundable", async () => {
    const user = await createTestUser();
    await simConfig({ webhookDrop: true }); // the cron's status check credits, when we say so
    const res = await initiate(user, 5_000);
    const paymentId = res.body.paymentId as number;
    await sim(`/orders/${res.body.merchantOrderId}/complete`);
    // The link's write fails (as a crash right after the credit's commit would leave it unwritten).
    await pool.query(
      "CREATE TRIGGER test_refuse_payment_link BEFORE UPDATE ON payments FOR EACH ROW" +
        " IF NEW.transaction_id IS NOT NULL AND OLD.transaction_id IS NULL AND NEW.id = ? THEN" +
        " SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'link refused by the test'; END IF",
      [paymentId],
    );
    try {
      await makeChecksDue(paymentId);
      await runCron();
      // Nothing half-done: no credit, and the payment is still waiting to be credited.
      expect([(await paymentRow(paymentId)).status, await balanceOf(user.id)]).toEqual(["pending", 0]);
      expect(await creditPostings(res.body.merchantOrderId)).toBe(0);
    } finally {
      await pool.query("DROP TRIGGER test_refuse_payment_link");
    }
    await makeChecksDue(paymentId);
    await runCron();
    const row = await paymentRow(paymentId);
    expect([row.status, row.transactionId !== null, await balanceOf(user.id)]).toEqual(["success", true, 5_000]);
    expect((await refund(paymentId, 5_000)).status).toBe(202);
    await expectLedgerClean();
  });

  it("migration 0014 links a credited top-up that lost its link (as the old code could leave it)", async () => {
    const { id } = await paidTopUp(2_000);
    const linked = (await paymentRow(id)).transactionId;
    expect(linked).not.toBeNull();
    await db.update(payments).set({ transactionId: null }).where(eq(payments.id, id));
    expect((await refund(id, 2_000)).status).toBe(409); // unlinked: not refundable
    const repair = readFileSync(new URL("../../drizzle/0014_link_credited_payments.sql", import.meta.url), "utf8");
    await pool.query(repair);
    expect((await paymentRow(id)).transactionId).toBe(linked);
    expect((await refund(id, 2_000)).status).toBe(202);
  });

  it("migration 0015 stops an orphaned refund hold (no refund row) from counting against the debit limits", async () => {
    const user = await createTestUser();
    await fundWallet(user.id, 3_000_000);
    // As the code before 0013 left it: a refund's hold, reserved, its refund row never written.
    const orphan = await createHold({
      userId: user.id,
      amountPaise: paise(2_500_000),
      reference: refundHoldReference(`NXR-orphan-${randomUUID()}`),
      expiresAt: new Date(Date.now() + 60_000),
      reason: "refund",
      enforceLimits: false,
    });
    await db.update(walletHolds).set({ limitsEnforced: true }).where(eq(walletHolds.id, orphan.id));
    expect((await getLimitsSummary(user.id)).daily.remainingPaise).toBe(0);
    const repair = readFileSync(new URL("../../drizzle/0015_refund_holds_by_reference.sql", import.meta.url), "utf8");
    await pool.query(repair);
    expect((await getLimitsSummary(user.id)).daily).toMatchObject({ heldPaise: 0, remainingPaise: 2_500_000 });
    await voidHold({ holdId: orphan.id, reason: "test over" }); // not left for other files' sweeps
    await expectLedgerClean();
  });

  it("partial refunds that add up to the amount mark it refunded (₹1.01 + ₹9.04 of ₹10.05, exact decimals)", async () => {
    // In DOUBLE arithmetic 1.01 + 9.04 = 10.049999…, short of 10.05.
    const { user, id } = await paidTopUp(1_005);
    for (const amount of [101, 904]) {
      const res = await refund(id, amount);
      expect(res.status).toBe(202);
      await waitFor(async () => (await refundRow(res.body.refundId))?.status === "completed", 5000, "completed");
    }
    const row = await paymentRow(id);
    expect([row.status, row.refundAmount]).toEqual(["refunded", 1_005]);
    expect(await balanceOf(user.id)).toBe(0);
    await expectLedgerClean();
  });

  it("a replay after Redis lost its copy repeats the first answer, not the refund's state today", async () => {
    const { id } = await paidTopUp(7_000);
    await simConfig({ refundOutcome: "pending" });
    const key = `rf-${randomUUID()}`;
    const first = await refund(id, 7_000, admin, key);
    expect([first.status, first.body.status]).toEqual([202, "pending"]);
    await sim(`/refunds/${first.body.refundId}/complete`);
    await waitFor(async () => (await refundRow(first.body.refundId))?.status === "completed", 5000, "completed");
    await redis.del(...(await redis.keys(`idem:${admin.id}:*`)));
    const replay = await refund(id, 7_000, admin, key);
    expect([replay.status, replay.headers.get("idempotent-replayed"), replay.body]).toEqual([202, "true", first.body]);
  });

  it("a refund refused for want of refundable money stays refused for its key (a business rejection is final)", async () => {
    const { id } = await paidTopUp(10_000);
    await simConfig({ refundOutcome: "pending" });
    const first = await refund(id, 6_000);
    expect(first.status).toBe(202);
    const key = `over-${randomUUID()}`;
    const refused = await refund(id, 6_000, admin, key);
    expect([refused.status, refused.body.error?.code]).toEqual([409, "CONFLICT"]);
    // The money it wanted becomes refundable again; its key still answers as the first time.
    await sim(`/refunds/${first.body.refundId}/fail`);
    await waitFor(async () => (await refundRow(first.body.refundId))?.status === "failed", 5000, "first refund failed");
    const again = await refund(id, 6_000, admin, key);
    expect([again.status, again.body.error?.code, again.headers.get("idempotent-replayed")]).toEqual([
      409,
      "CONFLICT",
      "true",
    ]);
    expect((await refund(id, 6_000)).status).toBe(202); // a new key is a new request
  });

  it("a refund PhonePe fails releases the hold and leaves the wallet as it was", async () => {
    const { user, id } = await paidTopUp(9_000);
    await simConfig({ refundOutcome: "failed" });
    const res = await refund(id, 5_000);
    expect(res.status).toBe(202);
    await waitFor(async () => (await refundRow(res.body.refundId))?.status === "failed", 5000, "refund failed");
    expect(await balanceOf(user.id)).toBe(9_000);
    expect(await heldOf(user.id)).toBe(0);
    expect((await paymentRow(id)).status).toBe("success");
    // The failed amount is refundable again.
    await simConfig({ refundOutcome: "completed" });
    expect((await refund(id, 9_000)).status).toBe(202);
    await waitFor(async () => (await paymentRow(id)).status === "refunded", 5000, "refunded");
    expect(await balanceOf(user.id)).toBe(0);
  });

  it("a refund request whose answer was lost is re-sent with the same id and completes once", async () => {
    const { user, id } = await paidTopUp(8_000);
    await simConfig({ timeoutMs: 2_500, faults: { refund: { mode: "timeout", count: 1 } } });
    const res = await refund(id, 8_000);
    expect(res.status).toBe(202);
    expect((await simCalls()).filter((c) => c.target === "refund").length).toBe(2);
    await db.update(paymentRefunds).set({ nextCheckAt: new Date(Date.now() - 1000) });
    await runCron();
    await waitFor(async () => (await refundRow(res.body.refundId))?.status === "completed", 5000, "refund completed");
    expect(await balanceOf(user.id)).toBe(0);
    expect(await heldOf(user.id)).toBe(0);
  });

  it("a re-sent refund answered with another 4xx than 'duplicate' is checked by status, not failed", async () => {
    const { user, id } = await paidTopUp(8_000);
    // The first request reaches PhonePe but its answer is lost; the re-send meets the amount check
    // first (EXCESS_REFUND_AMOUNT), as PhonePe documents for a repeat while the first is pending.
    await simConfig({ timeoutMs: 2_500, repeatedRefund: "amount", faults: { refund: { mode: "timeout", count: 1 } } });
    const res = await refund(id, 8_000);
    expect(res.status).toBe(202);
    expect((await simCalls()).filter((c) => c.target === "refund").length).toBe(2);
    expect((await refundRow(res.body.refundId))?.status).not.toBe("failed");
    expect(await heldOf(user.id)).toBe(8_000); // still reserved: PhonePe is paying this refund out
    await db.update(paymentRefunds).set({ nextCheckAt: new Date(Date.now() - 1000) });
    await runCron();
    await waitFor(async () => (await refundRow(res.body.refundId))?.status === "completed", 5000, "refund completed");
    expect([await balanceOf(user.id), await heldOf(user.id)]).toEqual([0, 0]);
    await expectLedgerClean();
  });

  it("a refund status answered with a 4xx that is not 'not found' keeps the refund open and its money held", async () => {
    const { user, id } = await paidTopUp(8_000);
    await simConfig({ refundOutcome: "pending" });
    const res = await refund(id, 8_000);
    expect(res.status).toBe(202);
    const rowId = (await refundRow(res.body.refundId))?.id ?? 0;
    // PhonePe has the refund and will pay it, but two status calls meet a 400 that says nothing about
    // the refund (a bad field, our credentials): it must not be re-sent as unknown, or failed.
    await simConfig({ faults: { refundStatus: { mode: 400, count: 2 } } });
    await syncRefund(rowId);
    await syncRefund(rowId);
    expect(await refundRow(res.body.refundId)).toMatchObject({ status: "pending", providerAccepted: 1 });
    expect(await heldOf(user.id)).toBe(8_000);
    await sim(`/refunds/${res.body.refundId}/complete`);
    await waitFor(async () => (await refundRow(res.body.refundId))?.status === "completed", 5000, "completed");
    expect([await balanceOf(user.id), await heldOf(user.id)]).toEqual([0, 0]);
    await expectLedgerClean();
  });

  it("a refund PhonePe fails to answer about waits its polling step; a refused token fails nothing", async () => {
    const { user, id } = await paidTopUp(5_000);
    await simConfig({ refundOutcome: "pending" });
    const res = await refund(id, 5_000);
    const rowId = (await refundRow(res.body.refundId))?.id ?? 0;
    const nextCheck = async () => (await refundRow(res.body.refundId))?.nextCheckAt?.getTime() ?? 0;
    // Ten minutes old (PhonePe's plan: a check a minute), then its status calls fail: it must wait its
    // step, not come back in 10 s at the head of the queue.
    await db
      .update(paymentRefunds)
      .set({ createdAt: new Date(Date.now() - 10 * 60_000) })
      .where(eq(paymentRefunds.id, rowId));
    await simConfig({ faults: { refundStatus: { mode: 500, count: 3 } } });
    const now = new Date();
    await syncRefund(rowId, now);
    expect(await nextCheck()).toBeGreaterThanOrEqual(now.getTime() + 59_000);
    // Credentials rotated: the token endpoint refuses (400). That says nothing about the refund, which
    // stays accepted, open and held.
    await invalidateToken();
    await simConfig({ faults: { token: { mode: 400, count: 3 } } });
    for (let i = 0; i < 3; i++) await syncRefund(rowId);
    expect(await refundRow(res.body.refundId)).toMatchObject({ status: "pending", providerAccepted: 1 });
    expect(await heldOf(user.id)).toBe(5_000);
    await sim(`/refunds/${res.body.refundId}/complete`);
    await waitFor(async () => (await refundRow(res.body.refundId))?.status === "completed", 5000, "completed");
    expect([await balanceOf(user.id), await heldOf(user.id)]).toEqual([0, 0]);
    await expectLedgerClean();
  });

  it("a hold that committed although createHold failed (its answer lost) is released when the refund is closed", async () => {
    const { user, id } = await paidTopUp(6_000);
    ledgerFaults.hook = (stage) => {
      if (stage === "hold-committed") throw new Error("connection lost after COMMIT (injected)");
    };
    try {
      const res = await refund(id, 6_000);
      expect(res.status).toBe(500);
    } finally {
      ledgerFaults.hook = null;
    }
    const [row] = await db.select().from(paymentRefunds).where(eq(paymentRefunds.paymentId, id));
    expect(row).toMatchObject({ status: "failed", errorCode: "HOLD_FAILED" });
    const [hold] = await db
      .select()
      .from(walletHolds)
      .where(eq(walletHolds.reference, refundHoldReference(row?.merchantRefundId ?? "")));
    expect(hold?.status).toBe("voided");
    expect([await balanceOf(user.id), await heldOf(user.id)]).toEqual([6_000, 0]);
    expect((await simCalls()).filter((c) => c.target === "refund")).toHaveLength(0);
    await expectLedgerClean();
  });

  it("a refund request that died between its hold and its record has the hold released by the reconciler", async () => {
    const { user, id } = await paidTopUp(9_000);
    // What the request left: its refund row (unlinked) and its committed hold, nothing sent to PhonePe.
    const merchantRefundId = `NXR-${id}-1`;
    const [row] = await db
      .insert(paymentRefunds)
      .values({
        paymentId: id,
        userId: user.id,
        merchantRefundId,
        amount: paise(4_000),
        kind: "admin",
        reason: "customer request",
        requestedBy: admin.id,
        nextCheckAt: new Date(Date.now() - 1000),
      })
      .$returningId();
    await createHold({
      userId: user.id,
      amountPaise: paise(4_000),
      reference: refundHoldReference(merchantRefundId),
      expiresAt: new Date(Date.now() + 30 * 86_400_000),
      reason: "PhonePe refund",
    });
    expect(await heldOf(user.id)).toBe(4_000);
    await syncRefund(row?.id ?? 0, new Date(Date.now() + 3 * 60_000));
    expect(await refundRow(merchantRefundId)).toMatchObject({ status: "failed", errorCode: "NO_HOLD" });
    expect(await heldOf(user.id)).toBe(0);
    expect(await balanceOf(user.id)).toBe(9_000);
    expect((await simCalls()).filter((c) => c.target === "refund")).toHaveLength(0);
    await expectLedgerClean();
  });

  it("PhonePe completes a refund after its hold lapsed: the wallet is debited then, once; spent money is a recorded shortfall", async () => {
    await simConfig({ refundOutcome: "pending" });
    // Expired and swept (status expired, money released), or expired and not yet swept (still active and
    // held: the settle captures it even so, so the money is never free between a release and a debit).
    const lapse = async (holdId: number | null, sweep: boolean) => {
      await db.execute(sql`UPDATE wallet_holds SET expires_at = NOW(3) - INTERVAL 1 SECOND WHERE id = ${holdId}`);
      if (sweep) await sweepExpiredHolds();
    };
    const postings = async (merchantRefundId: string) =>
      (
        await db
          .select()
          .from(postingsTable)
          .where(eq(postingsTable.reference, `phonepe-refund:${merchantRefundId}`))
      ).length;

    // The money is still there: debited on completion, exactly once.
    const kept = await paidTopUp(20_000);
    const first = await refund(kept.id, 8_000);
    expect(first.status).toBe(202);
    await lapse((await refundRow(first.body.refundId))?.holdId ?? null, false);
    expect([await balanceOf(kept.user.id), await heldOf(kept.user.id)]).toEqual([20_000, 8_000]);
    await sim(`/refunds/${first.body.refundId}/complete`);
    await waitFor(async () => (await refundRow(first.body.refundId))?.status === "completed", 5000, "completed");
    await syncRefund((await refundRow(first.body.refundId))?.id ?? 0); // a second signal changes nothing
    expect([await balanceOf(kept.user.id), await heldOf(kept.user.id)]).toEqual([12_000, 0]);
    expect(await postings(first.body.refundId)).toBe(1);
    const [capture] = await db
      .select()
      .from(postingsTable)
      .where(eq(postingsTable.reference, `phonepe-refund:${first.body.refundId}`));
    const [lapsedHold] = await db
      .select()
      .from(walletHolds)
      .where(eq(walletHolds.id, (await refundRow(first.body.refundId))?.holdId ?? 0));
    expect(lapsedHold).toMatchObject({ status: "captured", postingId: capture?.id });
    expect((await refundRow(first.body.refundId))?.errorCode).toBeNull();
    expect((await paymentRow(kept.id)).refundAmount).toBe(8_000);

    // The customer spent it meanwhile: PhonePe paid out anyway; the row says so and a person recovers it.
    const spent = await paidTopUp(10_000);
    const second = await refund(spent.id, 8_000);
    await lapse((await refundRow(second.body.refundId))?.holdId ?? null, true);
    await post({
      reference: testRef("SPEND"),
      kind: "adjustment",
      enforceLimits: false,
      walletLegs: [
        {
          userId: spent.user.id,
          direction: "debit",
          amountPaise: paise(6_000),
          transactionType: "withdrawal",
          ledgerType: "Transfer",
        },
      ],
      systemLegs: [{ account: "adjustments", direction: "credit", amountPaise: paise(6_000) }],
    });
    await sim(`/refunds/${second.body.refundId}/complete`);
    await waitFor(async () => (await refundRow(second.body.refundId))?.status === "completed", 5000, "closed");
    expect((await refundRow(second.body.refundId))?.errorCode).toBe("WALLET_SHORTFALL");
    expect((await refundRow(second.body.refundId))?.nextCheckAt).toBeNull(); // no longer polled
    expect(await balanceOf(spent.user.id)).toBe(4_000);
    expect(await postings(second.body.refundId)).toBe(0);
    expect(await auditActions(spent.id)).toContain("refund.completed");
    const [shortfall] = await db
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.action, "refund.wallet_shortfall"), eq(auditLogs.entityId, String(spent.user.id))));
    expect(shortfall?.after).toEqual({ merchantRefundId: second.body.refundId, amountPaise: 8_000 });
    await expectLedgerClean();
  });

  it("a refund debited after its hold was swept is not counted as the customer's spending", async () => {
    await simConfig({ refundOutcome: "pending" });
    const { user, id } = await paidTopUp(2_000_000);
    const res = await refund(id, 2_000_000);
    const holdId = (await refundRow(res.body.refundId))?.holdId ?? null;
    await db.execute(sql`UPDATE wallet_holds SET expires_at = NOW(3) - INTERVAL 1 SECOND WHERE id = ${holdId}`);
    await sweepExpiredHolds();
    await sim(`/refunds/${res.body.refundId}/complete`);
    await waitFor(async () => (await refundRow(res.body.refundId))?.status === "completed", 5000, "completed");
    expect(await balanceOf(user.id)).toBe(0);
    const limits = await getLimitsSummary(user.id);
    expect([limits.daily.usedPaise, limits.monthly.usedPaise]).toEqual([0, 0]);
    await expectLedgerClean();
  });

  it("a refund back to source is not blocked by the customer's own debit limits", async () => {
    // ₹30,000 topped up; the default daily debit limit is ₹25,000: the customer could not spend it in a
    // day, but sending it back where it came from is not their spending.
    const { user, id } = await paidTopUp(3_000_000);
    expect((await getLimitsSummary(user.id)).daily.limitPaise).toBeLessThan(3_000_000);
    const res = await refund(id, 3_000_000);
    expect(res.status).toBe(202);
    expect(await heldOf(user.id)).toBe(3_000_000);
    await waitFor(async () => (await refundRow(res.body.refundId))?.status === "completed", 5000, "completed");
    expect(await balanceOf(user.id)).toBe(0);
    await expectLedgerClean();
  });

  it("money already spent → 422 INSUFFICIENT_FUNDS, nothing sent to PhonePe; bad requests are rejected", async () => {
    const { user, id } = await paidTopUp(7_000);
    await post({
      reference: testRef("SPEND"),
      kind: "adjustment",
      enforceLimits: false,
      walletLegs: [
        {
          userId: user.id,
          direction: "debit",
          amountPaise: paise(6_000),
          transactionType: "withdrawal",
          ledgerType: "Transfer",
        },
      ],
      systemLegs: [{ account: "adjustments", direction: "credit", amountPaise: paise(6_000) }],
    });
    const res = await refund(id, 7_000);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("INSUFFICIENT_FUNDS");
    expect((await simCalls()).filter((c) => c.target === "refund")).toHaveLength(0);
    expect(await heldOf(user.id)).toBe(0);

    expect((await refund(id, 1_000, user)).status).toBe(403);
    expect((await refund(999_999, 1_000)).status).toBe(404);
    expect((await refund(id, 7_001)).status).toBe(409);
    const pending = await initiate(user, 5_000);
    expect((await refund(pending.body.paymentId, 1_000)).status).toBe(409);
  });
});
