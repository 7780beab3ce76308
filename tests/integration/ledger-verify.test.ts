/** verifyLedger() must catch each kind of corruption (a verifier that never fires proves nothing). */
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "../../lib/db/index.js";
import { captureHold, post, verifyLedger } from "../../lib/ledger/index.js";
import { paise } from "../../lib/money/index.js";
import { createTestUser } from "../helpers/factories.js";
import {
  closeDatabases,
  expectLedgerClean,
  fundWallet,
  holdFor,
  testRef,
  withAppendOnlyLifted,
} from "../helpers/ledger.js";

afterAll(closeDatabases);

/** Applies `corrupt`, expects exactly the named checks to fire, then `repair`s and expects a clean ledger. */
async function expectCaught(checks: string[], corrupt: string, repair: string): Promise<void> {
  await withAppendOnlyLifted(() => db.execute(sql.raw(corrupt)));
  const res = await verifyLedger();
  expect(res.ok).toBe(false);
  expect([...new Set(res.violations.map((v) => v.check))].sort(), JSON.stringify(res.violations)).toEqual(
    [...checks].sort(),
  );
  await withAppendOnlyLifted(() => db.execute(sql.raw(repair)));
  await expectLedgerClean();
}

describe("verifyLedger detects", () => {
  it("balance drift, broken line arithmetic and chains, unbalanced postings, hold drift and unbacked captures, cap breaches", async () => {
    const [a, b] = [await createTestUser(), await createTestUser({ kycStatus: "pending" })];
    await fundWallet(a.id, 50_000);
    const res = await post({
      reference: testRef("V"),
      kind: "p2p",
      walletLegs: [
        {
          userId: a.id,
          direction: "debit",
          amountPaise: paise(10_000),
          transactionType: "transfer",
          ledgerType: "Transfer",
        },
        {
          userId: b.id,
          direction: "credit",
          amountPaise: paise(10_000),
          transactionType: "transfer",
          ledgerType: "Transfer",
        },
      ],
      systemLegs: [],
    });
    await holdFor(a.id, 1_000);
    await expectLedgerClean();
    const [debit, credit] = res.lines.map((l) => l.id);
    // A report's money is integer paise too (API.md §0), whatever the column's DECIMAL says.
    await db.execute(sql.raw(`UPDATE users SET wallet_balance = wallet_balance + 0.01 WHERE id = ${a.id}`));
    try {
      const drift = (await verifyLedger()).violations.find((v) => v.check === "balance_equals_last_closing");
      expect(JSON.parse(drift?.detail ?? "{}")).toEqual({
        id: a.id,
        wallet_balance_paise: 40_001,
        closing_balance_paise: 40_000,
      });
    } finally {
      await db.execute(sql.raw(`UPDATE users SET wallet_balance = wallet_balance - 0.01 WHERE id = ${a.id}`));
    }
    await expectCaught(
      ["balance_equals_last_closing"],
      `UPDATE users SET wallet_balance = wallet_balance + 1 WHERE id = ${a.id}`,
      `UPDATE users SET wallet_balance = wallet_balance - 1 WHERE id = ${a.id}`,
    );
    await expectCaught(
      ["line_arithmetic", "line_hash", "posting_sums_to_zero"],
      `UPDATE transactions SET debit_amount = debit_amount + 1, amount = amount + 1 WHERE id = ${debit}`,
      `UPDATE transactions SET debit_amount = debit_amount - 1, amount = amount - 1 WHERE id = ${debit}`,
    );
    await expectCaught(
      ["chain_link", "line_arithmetic", "line_hash"],
      `UPDATE transactions SET opening_balance = opening_balance + 5 WHERE id = ${debit}`,
      `UPDATE transactions SET opening_balance = opening_balance - 5 WHERE id = ${debit}`,
    );
    await expectCaught(
      ["chain_link", "balance_equals_last_closing", "line_hash", "seq_beyond_wallet"],
      `UPDATE transactions SET wallet_seq = wallet_seq + 10 WHERE id = ${credit}`,
      `UPDATE transactions SET wallet_seq = wallet_seq - 10 WHERE id = ${credit}`,
    );
    await expectCaught(
      ["ledger_date_of_created_at", "line_hash"],
      `UPDATE transactions SET ledger_date = ledger_date - INTERVAL 1 DAY WHERE id = ${debit}`,
      `UPDATE transactions SET ledger_date = ledger_date + INTERVAL 1 DAY WHERE id = ${debit}`,
    );
    await expectCaught(
      ["ledger_date_of_created_at", "line_hash"],
      `UPDATE transactions SET created_at = created_at + INTERVAL 1 DAY WHERE id = ${credit}`,
      `UPDATE transactions SET created_at = created_at - INTERVAL 1 DAY WHERE id = ${credit}`,
    );
    await expectCaught(
      ["held_equals_active_holds"],
      `UPDATE users SET held_balance = held_balance + 1 WHERE id = ${a.id}`,
      `UPDATE users SET held_balance = held_balance - 1 WHERE id = ${a.id}`,
    );
    await expectCaught(
      ["credit_within_kyc_cap", "line_hash"],
      `UPDATE transactions SET balance_cap = 50.00 WHERE id = ${credit}`,
      `UPDATE transactions SET balance_cap = 10000.00 WHERE id = ${credit}`,
    );
    // A hold marked captured must point at a posting that debits its wallet by the captured amount.
    const captured = await holdFor(a.id, 700);
    const capture = await captureHold({
      holdId: captured.id,
      amountPaise: paise(700),
      posting: {
        reference: testRef("CAP"),
        walletLegs: [
          {
            userId: a.id,
            direction: "debit",
            amountPaise: paise(700),
            transactionType: "withdrawal",
            ledgerType: "Transfer",
          },
        ],
        systemLegs: [{ account: "payout_clearing", direction: "credit", amountPaise: paise(700) }],
      },
    });
    await expectLedgerClean();
    await expectCaught(
      ["captured_hold_debited"],
      `UPDATE wallet_holds SET posting_id = ${res.postingId} WHERE id = ${captured.id}`,
      `UPDATE wallet_holds SET posting_id = ${capture.posting.postingId} WHERE id = ${captured.id}`,
    );
    await expectCaught(
      ["captured_hold_debited"],
      `UPDATE wallet_holds SET captured_amount = 0.00 WHERE id = ${captured.id}`,
      `UPDATE wallet_holds SET captured_amount = 7.00 WHERE id = ${captured.id}`,
    );
    await expectCaught(
      ["posting_sums_to_zero", "leg_without_posting", "line_hash"],
      `UPDATE transactions SET posting_id = posting_id + 1000000 WHERE id = ${credit}`,
      `UPDATE transactions SET posting_id = posting_id - 1000000 WHERE id = ${credit}`,
    ).catch(async (e) => {
      await withAppendOnlyLifted(() =>
        db.execute(sql.raw(`UPDATE transactions SET posting_id = ${res.postingId} WHERE id = ${credit}`)),
      );
      throw e;
    });
  });
});
