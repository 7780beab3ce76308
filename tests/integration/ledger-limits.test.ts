/** lib/limits: KYC tiers and per-user limits enforced by post(), assertCanLoad and getLimitsSummary. */
import { eq, inArray } from "drizzle-orm";
import type { RowDataPacket } from "mysql2";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { users } from "../../db/schema/index.js";
import { db, pool } from "../../lib/db/index.js";
import {
  assertCanLoad,
  createHold,
  getLimitsSummary,
  post,
  RECIPIENT_CANNOT_ACCEPT,
  voidHold,
} from "../../lib/ledger/index.js";
import { windowColumnsSql, windowsFromRow } from "../../lib/limits/windows.js";
import { paise } from "../../lib/money/index.js";
import { transfer } from "../../lib/wallet/transfer.js";
import { createTestUser } from "../helpers/factories.js";
import { closeDatabases, expectLedgerClean, fundWallet, holdFor, p2p, testRef } from "../helpers/ledger.js";

afterEach(() => expectLedgerClean());
afterAll(closeDatabases);

const topup = (userId: number, amount: number) =>
  post({
    reference: testRef("TOPUP"),
    kind: "topup",
    walletLegs: [
      {
        userId,
        direction: "credit",
        amountPaise: paise(amount),
        transactionType: "deposit",
        ledgerType: "TopIn",
        paymentMethod: "phonepe",
      },
    ],
    systemLegs: [{ account: "phonepe_clearing", direction: "debit", amountPaise: paise(amount) }],
  });

describe("limits", () => {
  it("enforces KYC tiers: no P2P from pending, balance cap for pending recipients, daily limit", async () => {
    const pending = await createTestUser({ kycStatus: "pending" });
    const verified = await createTestUser();
    await fundWallet(pending.id, 5_000);
    await fundWallet(verified.id, 5_000_000);
    await expect(p2p(pending.id, verified.id, 100)).rejects.toMatchObject({ code: "KYC_REQUIRED" });
    // ₹10,000 small-PPI balance cap on the receiving side (already holds ₹50).
    // The sender learns that the recipient cannot take it, not the recipient's cap or usage.
    await expect(p2p(verified.id, pending.id, 996_000)).rejects.toMatchObject({
      code: "LIMIT_EXCEEDED",
      message: RECIPIENT_CANNOT_ACCEPT,
    });
    // ₹10,000/month P2P to non-registered payees for full-KYC senders.
    const other = await createTestUser();
    await p2p(verified.id, other.id, 600_000);
    await expect(p2p(verified.id, other.id, 400_001)).rejects.toMatchObject({
      code: "LIMIT_EXCEEDED",
      message: expect.stringContaining("Monthly P2P"),
    });
    await p2p(verified.id, other.id, 400_000);
  });

  it("small PPI (pending KYC): ₹10,000 monthly loading and balance caps, with a message naming the limit", async () => {
    const u = await createTestUser({ kycStatus: "pending" });
    await topup(u.id, 600_000);
    await expect(assertCanLoad(u.id, paise(400_001))).rejects.toMatchObject({
      code: "LIMIT_EXCEEDED",
      message: expect.stringContaining("Monthly wallet loading limit"),
    });
    await expect(topup(u.id, 400_001)).rejects.toMatchObject({
      code: "LIMIT_EXCEEDED",
      message: expect.stringContaining("Monthly wallet loading limit"),
    });
    await assertCanLoad(u.id, paise(400_000));
    await topup(u.id, 400_000);
    const s = await getLimitsSummary(u.id);
    expect(s).toMatchObject({
      tier: "small_ppi",
      maxBalancePaise: 1_000_000,
      monthlyLoad: { limitPaise: 1_000_000, usedPaise: 1_000_000 },
      p2p: { allowed: false },
      daily: { limitPaise: 1_000_000, usedPaise: 0 },
      balancePaise: 1_000_000,
    });
  });

  it("full KYC: balance cap ₹2,00,000 on loading; the user's own lower daily limit wins (min of internal and regulatory)", async () => {
    const u = await createTestUser();
    const other = await createTestUser();
    await db
      .update(users)
      .set({ dailyLimit: paise(50_000) })
      .where(eq(users.id, u.id));
    await topup(u.id, 19_000_000);
    await expect(assertCanLoad(u.id, paise(1_000_001))).rejects.toMatchObject({
      code: "LIMIT_EXCEEDED",
      message: expect.stringContaining("balance limit"),
    });
    await transfer({ senderId: u.id, recipient: other.userCode, amountPaise: paise(30_000) });
    await expect(
      transfer({ senderId: u.id, recipient: other.userCode, amountPaise: paise(20_001) }),
    ).rejects.toMatchObject({
      code: "LIMIT_EXCEEDED",
      message: expect.stringContaining("Daily debit limit of ₹500.00"),
    });
    // Holds count as spent for the daily limit until they resolve.
    await expect(
      createHold({
        userId: u.id,
        amountPaise: paise(20_001),
        reference: testRef("H"),
        expiresAt: new Date(Date.now() + 60_000),
        reason: "bill",
      }),
    ).rejects.toMatchObject({ code: "LIMIT_EXCEEDED" });
    // ... and for a posting's debit: with ₹100 held, ₹100 of the day's ₹500 is left for a transfer.
    const held = await holdFor(u.id, 10_000);
    await expect(
      transfer({ senderId: u.id, recipient: other.userCode, amountPaise: paise(10_001) }),
    ).rejects.toMatchObject({
      code: "LIMIT_EXCEEDED",
      message: "Daily debit limit of ₹500.00 exceeded: ₹100.00 left, ₹100.01 requested.",
    });
    // The summary says the same: ₹100 left (limit − used − held), not limit − used.
    const summary = await getLimitsSummary(u.id);
    expect(summary.daily).toEqual({ limitPaise: 50_000, usedPaise: 30_000, heldPaise: 10_000, remainingPaise: 10_000 });
    expect(summary.p2p).toMatchObject({ usedPaise: 30_000, remainingPaise: 1_000_000 - 30_000 });
    await voidHold({ holdId: held.id, reason: "test" });
    const s = await getLimitsSummary(u.id);
    expect(s).toMatchObject({
      tier: "full_kyc",
      daily: { limitPaise: 50_000, usedPaise: 30_000 },
      monthly: { limitPaise: 10_000_000 },
      p2p: { allowed: true, monthlyLimitPaise: 1_000_000, usedPaise: 30_000 },
    });
  });

  it("the balance cap holds at every line, not only after a posting's last leg of the wallet", async () => {
    const u = await createTestUser();
    await topup(u.id, 19_900_000); // ₹1,99,000 of the ₹2,00,000 cap
    const leg = { userId: u.id, amountPaise: paise(200_000), transactionType: "deposit", ledgerType: "TopIn" } as const;
    // Credited past the cap, then debited back under it: the first line would close at ₹2,01,000.
    await expect(
      post({
        reference: testRef("OVER"),
        kind: "topup",
        walletLegs: [
          { ...leg, direction: "credit" },
          { ...leg, direction: "debit" },
        ],
        systemLegs: [],
      }),
    ).rejects.toMatchObject({ code: "LIMIT_EXCEEDED", message: expect.stringContaining("balance limit") });
  });

  it("admin adjustments skip the checks (and record NULL cap, so the verifier does not flag them) but still count", async () => {
    const u = await createTestUser({ kycStatus: "pending" });
    await fundWallet(u.id, 5_000_000); // over the small-PPI cap, on purpose (e.g. a distributor deposit before KYC)
    expect((await getLimitsSummary(u.id)).monthlyLoad.usedPaise).toBe(5_000_000);
    await expect(topup(u.id, 1)).rejects.toMatchObject({ code: "LIMIT_EXCEEDED" });
  });

  it("an unverified wallet older than 730 days takes no new credits but can still spend", async () => {
    const [old, oldVerified] = [await createTestUser({ kycStatus: "pending" }), await createTestUser()];
    await fundWallet(old.id, 5_000);
    const longAgo = new Date(Date.now() - 731 * 86_400_000);
    await db
      .update(users)
      .set({ createdAt: longAgo })
      .where(inArray(users.id, [old.id, oldVerified.id]));
    await expect(topup(old.id, 100)).rejects.toMatchObject({
      code: "KYC_REQUIRED",
      message: expect.stringContaining("730 days"),
    });
    await expect(assertCanLoad(old.id, paise(100))).rejects.toMatchObject({ code: "KYC_REQUIRED" });
    await holdFor(old.id, 1_000);
    await topup(oldVerified.id, 100);
    // Sent to by someone else, the answer is the recipient's: not KYC_REQUIRED, which would send the
    // sender to a KYC flow of their own, and not the recipient's KYC status or age.
    await expect(p2p(oldVerified.id, old.id, 100)).rejects.toMatchObject({
      code: "LIMIT_EXCEEDED",
      message: RECIPIENT_CANNOT_ACCEPT,
    });
  });

  it("windows are IST calendar day, month and financial year, on the database's clock", async () => {
    const at = async (utc: string) => {
      const [rows] = await pool.query<RowDataPacket[]>(`SELECT ${windowColumnsSql(`TIMESTAMP('${utc}')`)}`);
      return windowsFromRow(rows[0] ?? {});
    };
    // 2026-03-31 19:00 UTC is already 1 April 00:30 in India: a new day, month and financial year.
    expect(await at("2026-03-31 19:00:00")).toEqual({ day: "2026-04-01", month: "2026-04-01", fy: "2026-04-01" });
    expect(await at("2026-03-31 18:29:59")).toEqual({ day: "2026-03-31", month: "2026-03-01", fy: "2025-04-01" });
    expect(await at("2026-12-31 18:30:00")).toEqual({ day: "2027-01-01", month: "2027-01-01", fy: "2026-04-01" });
    expect(await at("2028-02-29 10:00:00")).toEqual({ day: "2028-02-29", month: "2028-02-01", fy: "2027-04-01" });
  });
});
