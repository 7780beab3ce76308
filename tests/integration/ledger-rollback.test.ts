/**
 * R4 error-path rollback: a failure after the first write of a posting leaves nothing behind, and the
 * pooled connections come back clean (no open transaction for the next request's BEGIN to commit).
 */
import { eq } from "drizzle-orm";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { postings, transactions, users } from "../../db/schema/index.js";
import { db } from "../../lib/db/index.js";
import { getLedgerPool } from "../../lib/ledger/connection.js";
import { type FaultStage, ledgerFaults } from "../../lib/ledger/faults.js";
import { post } from "../../lib/ledger/index.js";
import { paise } from "../../lib/money/index.js";
import { transfer } from "../../lib/wallet/transfer.js";
import { createTestUser } from "../helpers/factories.js";
import { closeDatabases, expectLedgerClean, fundWallet, testRef, withAppendOnlyLifted } from "../helpers/ledger.js";

afterEach(async () => {
  ledgerFaults.hook = null;
  await expectLedgerClean();
});
afterAll(closeDatabases);

const balances = async (...ids: number[]) =>
  Promise.all(
    ids.map(
      async (id) =>
        (await db.select({ b: users.walletBalance, s: users.walletSeq }).from(users).where(eq(users.id, id)))[0],
    ),
  );

async function expectPoolClean(): Promise<void> {
  const ledgerPool = getLedgerPool();
  const conns = await Promise.all(Array.from({ length: 20 }, () => ledgerPool.getConnection()));
  try {
    for (const c of conns) {
      const [rows] = (await c.query("SELECT @@in_transaction AS t")) as unknown as [{ t: number }[]];
      expect(Number(rows[0]?.t)).toBe(0);
    }
  } finally {
    for (const c of conns) c.release();
  }
}

describe("error-path rollback", () => {
  it("an injected failure after each write point rolls back the whole posting; later traffic is clean", async () => {
    const [a, b] = [await createTestUser(), await createTestUser()];
    await fundWallet(a.id, 100_000);
    const before = await balances(a.id, b.id);
    const points: [FaultStage, number][] = [
      ["after-lock", 0],
      ["after-statement", 0],
      ["after-statement", 1],
      ["after-statement", 2],
    ];
    for (const [stage, index] of points) {
      const reference = testRef("FAULT");
      ledgerFaults.hook = (s, i) => {
        if (s === stage && i === index) throw new Error(`injected at ${stage}#${index}`);
      };
      await expect(
        post({
          reference,
          kind: "p2p",
          walletLegs: [
            {
              userId: a.id,
              direction: "debit",
              amountPaise: paise(1_000),
              transactionType: "transfer",
              ledgerType: "Transfer",
            },
            {
              userId: b.id,
              direction: "credit",
              amountPaise: paise(1_000),
              transactionType: "transfer",
              ledgerType: "Transfer",
            },
          ],
          systemLegs: [],
        }),
      ).rejects.toThrow(`injected at ${stage}#${index}`);
      ledgerFaults.hook = null;
      expect(await db.select().from(postings).where(eq(postings.reference, reference))).toEqual([]);
      expect(await balances(a.id, b.id)).toEqual(before);
    }
    // Ordinary traffic on the same pools afterwards: each posting lands whole.
    await Promise.all(
      Array.from({ length: 30 }, () => transfer({ senderId: a.id, recipient: b.userCode, amountPaise: paise(100) })),
    );
    expect((await balances(a.id, b.id)).map((r) => r?.b)).toEqual([97_000, 3_000]);
    await expectPoolClean();
  });

  it("a duplicate key inside the one-round-trip write batch aborts it before COMMIT", async () => {
    const [a, b] = [await createTestUser(), await createTestUser()];
    await fundWallet(a.id, 5_000);
    const reference = testRef("DUP");
    // A stray row already owns the reference the credit line will get, so the batch's INSERT fails.
    await db
      .insert(transactions)
      .values({ userId: b.id, transactionType: "deposit", amount: paise(1), referenceNumber: `${reference}-C1` });
    const attempt = post({
      reference,
      kind: "p2p",
      walletLegs: [
        {
          userId: a.id,
          direction: "debit",
          amountPaise: paise(700),
          transactionType: "transfer",
          ledgerType: "Transfer",
        },
        {
          userId: b.id,
          direction: "credit",
          amountPaise: paise(700),
          transactionType: "transfer",
          ledgerType: "Transfer",
        },
      ],
      systemLegs: [],
    });
    await expect(attempt).rejects.toMatchObject({ errno: 1062 });
    await withAppendOnlyLifted(() =>
      db.delete(transactions).where(eq(transactions.referenceNumber, `${reference}-C1`)),
    );
    expect(await db.select().from(postings).where(eq(postings.reference, reference))).toEqual([]);
    expect((await balances(a.id, b.id)).map((r) => r?.b)).toEqual([5_000, 0]);
    await transfer({ senderId: a.id, recipient: b.userCode, amountPaise: paise(700) });
    expect((await balances(a.id, b.id)).map((r) => r?.b)).toEqual([4_300, 700]);
    await expectPoolClean();
  });
});
