/** Holds: reserve → capture (full/partial) or void, DB-time expiry, resolve-at-most-once, races. */
import { eq, sql } from "drizzle-orm";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { users, walletHolds } from "../../db/schema/index.js";
import { db } from "../../lib/db/index.js";
import {
  captureHold,
  createHold,
  getLimitsSummary,
  sweepExpiredHolds,
  systemAccountBalance,
  voidHold,
} from "../../lib/ledger/index.js";
import { paise } from "../../lib/money/index.js";
import { transfer } from "../../lib/wallet/transfer.js";
import { auditRows } from "../helpers/audit.js";
import { createTestUser } from "../helpers/factories.js";
import { closeDatabases, expectLedgerClean, fundWallet, holdFor, testRef } from "../helpers/ledger.js";

afterEach(() => expectLedgerClean());
afterAll(closeDatabases);

const wallet = async (id: number) =>
  (await db.select({ b: users.walletBalance, h: users.heldBalance }).from(users).where(eq(users.id, id)))[0];
const inMinutes = (m: number) => new Date(Date.now() + m * 60_000);
const payoutPosting = (userId: number, amount: number) => ({
  reference: testRef("PAYOUT"),
  walletLegs: [
    {
      userId,
      direction: "debit" as const,
      amountPaise: paise(amount),
      transactionType: "withdrawal" as const,
      ledgerType: "Transfer" as const,
    },
  ],
  systemLegs: [{ account: "payout_clearing" as const, direction: "credit" as const, amountPaise: paise(amount) }],
});

describe("holds", () => {
  it("reserves available balance, captures partially and releases the rest", async () => {
    const u = await createTestUser();
    const other = await createTestUser();
    await fundWallet(u.id, 10_000);
    const hold = await createHold({
      userId: u.id,
      amountPaise: paise(6_000),
      reference: testRef("H"),
      expiresAt: inMinutes(5),
      reason: "withdrawal",
    });
    expect(await wallet(u.id)).toEqual({ b: 10_000, h: 6_000 });
    // Only 4,000 is available now.
    await expect(
      transfer({ senderId: u.id, recipient: other.userCode, amountPaise: paise(4_001) }),
    ).rejects.toMatchObject({ code: "INSUFFICIENT_FUNDS" });
    await expect(
      createHold({
        userId: u.id,
        amountPaise: paise(4_001),
        reference: testRef("H"),
        expiresAt: inMinutes(5),
        reason: "x",
      }),
    ).rejects.toMatchObject({ code: "INSUFFICIENT_FUNDS" });
    const clearing = await systemAccountBalance("payout_clearing");
    const { hold: captured, posting } = await captureHold({
      holdId: hold.id,
      amountPaise: paise(5_500),
      posting: payoutPosting(u.id, 5_500),
    });
    expect(captured).toMatchObject({ status: "captured", capturedAmountPaise: 5_500, postingId: posting.postingId });
    expect(await wallet(u.id)).toEqual({ b: 4_500, h: 0 });
    expect((await systemAccountBalance("payout_clearing")) - clearing).toBe(5_500);
    // At most once: a second capture and a void after capture both fail; nothing moves.
    await expect(
      captureHold({ holdId: hold.id, amountPaise: paise(1), posting: payoutPosting(u.id, 1) }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(voidHold({ holdId: hold.id, reason: "late" })).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await wallet(u.id)).toEqual({ b: 4_500, h: 0 });
  });

  it("one expired hold that cannot be released does not stop the sweep for the others", async () => {
    const [drifted, fine] = [await createTestUser(), await createTestUser()];
    await fundWallet(drifted.id, 2_000);
    await fundWallet(fine.id, 2_000);
    const stuck = await holdFor(drifted.id, 1_000);
    await holdFor(fine.id, 1_000);
    const statusOf = async (id: number) =>
      (await db.select({ s: walletHolds.status }).from(walletHolds).where(eq(walletHolds.id, id)))[0]?.s;
    // Drift on the first (lowest id) hold's wallet: releasing it would take held_balance below zero,
    // which the table's CHECK refuses, on every run.
    await db.execute(sql`UPDATE users SET held_balance = 0 WHERE id = ${drifted.id}`);
    try {
      const first = await sweepExpiredHolds(inMinutes(2));
      expect(first.failed).toBe(1); // counted, for the cron's report
      expect(first.expired).toBeGreaterThanOrEqual(1);
      expect([(await wallet(fine.id))?.h, await statusOf(stuck.id)]).toEqual([0, "active"]);
    } finally {
      await db.execute(sql`UPDATE users SET held_balance = 10.00 WHERE id = ${drifted.id}`);
    }
    expect(await sweepExpiredHolds(inMinutes(2))).toEqual({ expired: 1, failed: 0 }); // the next run takes it
    expect([(await wallet(drifted.id))?.h, await statusOf(stuck.id)]).toEqual([0, "expired"]);
  });

  it("void is idempotent, create is idempotent per reference, and captures are validated", async () => {
    const u = await createTestUser();
    await fundWallet(u.id, 3_000);
    const ref = testRef("H");
    const hold = await createHold({
      userId: u.id,
      amountPaise: paise(2_000),
      reference: ref,
      expiresAt: inMinutes(5),
      reason: "recharge",
    });
    expect(
      (
        await createHold({
          userId: u.id,
          amountPaise: paise(2_000),
          reference: ref,
          expiresAt: inMinutes(5),
          reason: "recharge",
        })
      ).id,
    ).toBe(hold.id);
    await expect(
      createHold({ userId: u.id, amountPaise: paise(1_000), reference: ref, expiresAt: inMinutes(5), reason: "x" }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(
      captureHold({ holdId: hold.id, amountPaise: paise(2_001), posting: payoutPosting(u.id, 2_001) }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(
      captureHold({ holdId: hold.id, amountPaise: paise(1_000), posting: payoutPosting(u.id, 900) }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const voided = await Promise.all([1, 2, 3].map(() => voidHold({ holdId: hold.id, reason: "provider failed" })));
    expect(voided.every((h) => h.status === "voided")).toBe(true);
    expect(await wallet(u.id)).toEqual({ b: 3_000, h: 0 });
  });

  it("expired holds cannot be captured and are swept exactly once, by DB time", async () => {
    const u = await createTestUser();
    await fundWallet(u.id, 5_000);
    const hold = await createHold({
      userId: u.id,
      amountPaise: paise(1_000),
      reference: testRef("H"),
      expiresAt: new Date(Date.now() + 1_200),
      reason: "bill",
    });
    const live = await createHold({
      userId: u.id,
      amountPaise: paise(500),
      reference: testRef("H"),
      expiresAt: inMinutes(10),
      reason: "bill",
    });
    await new Promise((r) => setTimeout(r, 1_300));
    await expect(
      captureHold({ holdId: hold.id, amountPaise: paise(1_000), posting: payoutPosting(u.id, 1_000) }),
    ).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining("expired") });
    const swept = await Promise.all([sweepExpiredHolds(), sweepExpiredHolds(), sweepExpiredHolds()]);
    expect(swept.reduce((a, b) => a + b.expired, 0)).toBeGreaterThanOrEqual(1);
    expect(await sweepExpiredHolds()).toEqual({ expired: 0, failed: 0 });
    expect(await wallet(u.id)).toEqual({ b: 5_000, h: 500 });
    // An explicit clock expires the live one too (cron catch-up); a second run finds nothing.
    expect((await sweepExpiredHolds(inMinutes(11))).expired).toBeGreaterThanOrEqual(1);
    expect(await sweepExpiredHolds(inMinutes(11))).toEqual({ expired: 0, failed: 0 });
    expect((await wallet(u.id))?.h).toBe(0);
    expect(live.status).toBe("active");
    // Each expiry wrote one audit row (a system actor), however many sweeps raced for it.
    for (const h of [hold, live])
      expect(await auditRows("hold.expired", h.id)).toEqual([
        {
          actor: null,
          after: { status: "expired", userId: u.id, reference: h.reference, amountPaise: h.amountPaise },
          requestId: null,
        },
      ]);
  });

  it("a hold reserved without limits (a refund to source) neither counts against the debit limits nor records usage", async () => {
    // ₹60,000, the default ₹25,000 daily debit limit, nothing spent today.
    const [u, v] = [await createTestUser(), await createTestUser()];
    await fundWallet(u.id, 6_000_000);
    const refundHold = await holdFor(u.id, 3_000_000, 600_000, false);
    expect(refundHold.limitsEnforced).toBe(false);
    // The owner's own spending is judged on its own: the refund's ₹30,000 is not "already spent".
    await transfer({ senderId: u.id, recipient: v.userCode, amountPaise: paise(500) });
    const billHold = await holdFor(u.id, 2_000_000, 600_000);
    // Limited holds still count: ₹5 spent + ₹20,000 held leaves ₹4,995 of the day.
    await expect(
      transfer({ senderId: u.id, recipient: v.userCode, amountPaise: paise(499_501) }),
    ).rejects.toMatchObject({ code: "LIMIT_EXCEEDED" });
    const before = await getLimitsSummary(u.id);
    expect(before.daily).toMatchObject({ usedPaise: 500, heldPaise: 2_000_000, remainingPaise: 499_500 });
    expect(before.availablePaise).toBe(6_000_000 - 500 - 5_000_000);
    // Captured, the refund is not booked as the owner's debit; a captured bill is.
    await captureHold({
      holdId: refundHold.id,
      amountPaise: paise(3_000_000),
      posting: payoutPosting(u.id, 3_000_000),
    });
    await captureHold({ holdId: billHold.id, amountPaise: paise(2_000_000), posting: payoutPosting(u.id, 2_000_000) });
    const after = await getLimitsSummary(u.id);
    expect(after.daily).toMatchObject({ usedPaise: 2_000_500, heldPaise: 0, remainingPaise: 499_500 });
    expect(await wallet(u.id)).toEqual({ b: 6_000_000 - 500 - 5_000_000, h: 0 });
  });

  it("a capture that re-checks the limits does not count its own hold as still held", async () => {
    const u = await createTestUser();
    await fundWallet(u.id, 3_000_000);
    const hold = await holdFor(u.id, 2_000_000); // ₹20,000 of the ₹25,000 day
    const posting = { ...payoutPosting(u.id, 2_000_000), enforceLimits: true };
    await captureHold({ holdId: hold.id, amountPaise: paise(2_000_000), posting });
    expect((await getLimitsSummary(u.id)).daily).toMatchObject({ usedPaise: 2_000_000, heldPaise: 0 });
  });

  it("capture racing void: exactly one wins", async () => {
    for (let i = 0; i < 10; i++) {
      const u = await createTestUser();
      await fundWallet(u.id, 1_000);
      const hold = await createHold({
        userId: u.id,
        amountPaise: paise(700),
        reference: testRef("H"),
        expiresAt: inMinutes(5),
        reason: "race",
      });
      const [c, v] = await Promise.allSettled([
        captureHold({ holdId: hold.id, amountPaise: paise(700), posting: payoutPosting(u.id, 700) }),
        voidHold({ holdId: hold.id, reason: "race" }),
      ]);
      const w = await wallet(u.id);
      if (c.status === "fulfilled") expect([v.status, w]).toEqual(["rejected", { b: 300, h: 0 }]);
      else expect([v.status, w]).toEqual(["fulfilled", { b: 1_000, h: 0 }]);
    }
  });
});
