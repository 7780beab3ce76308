/** lib/ledger post(): double entry, chains, references, funds, limits — verifier clean after each. */
import { eq } from "drizzle-orm";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { transactions } from "../../db/schema/index.js";
import { db } from "../../lib/db/index.js";
import { post, RECIPIENT_CANNOT_ACCEPT, systemAccountBalance } from "../../lib/ledger/index.js";
import { paise } from "../../lib/money/index.js";
import { createTestUser } from "../helpers/factories.js";
import { balanceOf, closeDatabases, expectLedgerClean, fundWallet, p2p, testRef } from "../helpers/ledger.js";

afterEach(() => expectLedgerClean());
afterAll(closeDatabases);

describe("post()", () => {
  it("funds a wallet from the balance-less adjustments account and chains lines", async () => {
    const u = await createTestUser();
    const before = await systemAccountBalance("adjustments");
    await fundWallet(u.id, 150_050);
    await fundWallet(u.id, 50);
    expect(await balanceOf(u.id)).toBe(150_100);
    expect((await systemAccountBalance("adjustments")) - before).toBe(-150_100);
    const lines = await db
      .select()
      .from(transactions)
      .where(eq(transactions.userId, u.id))
      .orderBy(transactions.walletSeq);
    expect(lines.map((l) => [l.walletSeq, l.openingBalance, l.creditAmount, l.closingBalance])).toEqual([
      [1, 0, 150_050, 150_050],
      [2, 150_050, 50, 150_100],
    ]);
    expect(lines[0]?.status).toBe("completed");
    expect(lines[0]?.userCode).toBe(u.userCode);
    expect(lines[0]?.referenceNumber).toMatch(/^FUND-[0-9a-f]{16}-C1$/);
    expect(lines[0]?.ledgerDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it("moves money between wallets with counterparty and opening/closing on both lines", async () => {
    const [a, b] = [await createTestUser(), await createTestUser()];
    await fundWallet(a.id, 10_000);
    const res = await p2p(a.id, b.id, 2_500);
    expect(res.lines.map((l) => [l.userId, l.direction, l.openingBalancePaise, l.closingBalancePaise])).toEqual([
      [a.id, "debit", 10_000, 7_500],
      [b.id, "credit", 0, 2_500],
    ]);
    expect(res.lines.every((l) => l.id > 0)).toBe(true);
    const [line] = await db
      .select()
      .from(transactions)
      .where(eq(transactions.id, res.lines[0]?.id ?? 0));
    expect([line?.recipientId, line?.fromAccountId, line?.toAccountId, line?.postingId]).toEqual([
      b.id,
      a.id,
      b.id,
      res.postingId,
    ]);
  });

  it("rejects unbalanced postings, reused references and overdrafts without a trace", async () => {
    const [a, b] = [await createTestUser(), await createTestUser()];
    await fundWallet(a.id, 1_000);
    const unbalanced = post({
      reference: testRef(),
      kind: "adjustment",
      walletLegs: [
        { userId: a.id, direction: "credit", amountPaise: paise(5), transactionType: "deposit", ledgerType: "TopIn" },
      ],
      systemLegs: [{ account: "adjustments", direction: "debit", amountPaise: paise(4) }],
    });
    await expect(unbalanced).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const ref = testRef();
    await p2p(a.id, b.id, 100, ref);
    await expect(p2p(a.id, b.id, 100, ref)).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(p2p(a.id, b.id, 901)).rejects.toMatchObject({ code: "INSUFFICIENT_FUNDS" });
    await expect(p2p(a.id, 999_999_999, 1)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect([await balanceOf(a.id), await balanceOf(b.id)]).toEqual([900, 100]);
  });

  it("a late-locked (full-KYC) recipient at its ₹2,00,000 cap trips the batch guard and gets the recipient's error", async () => {
    const [a, rich] = [await createTestUser(), await createTestUser()];
    await fundWallet(a.id, 10_000);
    await fundWallet(rich.id, 19_999_000);
    await expect(p2p(a.id, rich.id, 1_001)).rejects.toMatchObject({
      code: "LIMIT_EXCEEDED",
      message: RECIPIENT_CANNOT_ACCEPT,
    });
    const ok = await p2p(a.id, rich.id, 1_000);
    expect(ok.lines[1]).toMatchObject({
      userId: rich.id,
      openingBalancePaise: 19_999_000,
      closingBalancePaise: 20_000_000,
    });
    expect([await balanceOf(a.id), await balanceOf(rich.id)]).toEqual([9_000, 20_000_000]);
  });

  it("many concurrent credits to one hot wallet keep its chain gap-free", async () => {
    const hot = await createTestUser();
    const senders = await Promise.all(Array.from({ length: 10 }, () => createTestUser()));
    for (const s of senders) await fundWallet(s.id, 1_000);
    await Promise.all(senders.flatMap((s) => Array.from({ length: 10 }, () => p2p(s.id, hot.id, 7))));
    expect(await balanceOf(hot.id)).toBe(700);
    const lines = await db
      .select({ seq: transactions.walletSeq })
      .from(transactions)
      .where(eq(transactions.userId, hot.id));
    expect(lines.map((l) => l.seq).sort((x, y) => (x ?? 0) - (y ?? 0))).toEqual(
      Array.from({ length: 100 }, (_, i) => i + 1),
    );
  });

  it("multi-leg posting: a fee to a system account and two credit lines to one (late-locked) wallet chain correctly", async () => {
    const [a, b] = [await createTestUser(), await createTestUser()];
    await fundWallet(a.id, 10_000);
    await fundWallet(b.id, 300);
    const feeBefore = await systemAccountBalance("fee_income");
    const leg = { transactionType: "transfer", ledgerType: "Transfer" } as const;
    const res = await post({
      reference: testRef("MULTI"),
      kind: "p2p",
      walletLegs: [
        {
          ...leg,
          userId: a.id,
          direction: "debit",
          amountPaise: paise(5_000),
          counterpartyUserId: b.id,
          feePaise: paise(50),
        },
        { ...leg, userId: b.id, direction: "credit", amountPaise: paise(4_000), counterpartyUserId: a.id },
        {
          ...leg,
          userId: b.id,
          direction: "credit",
          amountPaise: paise(950),
          counterpartyUserId: a.id,
          remarks: "cashback",
        },
      ],
      systemLegs: [{ account: "fee_income", direction: "credit", amountPaise: paise(50) }],
    });
    expect(res.lines.map((l) => [l.referenceNumber.slice(-2), l.openingBalancePaise, l.closingBalancePaise])).toEqual([
      ["D1", 10_000, 5_000],
      ["C1", 300, 4_300],
      ["C2", 4_300, 5_250],
    ]);
    expect((await systemAccountBalance("fee_income")) - feeBefore).toBe(50);
    expect([await balanceOf(a.id), await balanceOf(b.id)]).toEqual([5_000, 5_250]);
  });
});
