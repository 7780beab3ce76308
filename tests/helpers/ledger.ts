/**
 * Ledger test helpers: `fundWallet` puts money in a wallet the way an admin adjustment would (a real
 * posting from the `adjustments` system account, limits not enforced), and `expectLedgerClean`
 * asserts the verifier finds nothing. Call `expectLedgerClean()` at the end of every money-moving test
 * and `closeLedgerPool()` next to `pool.end()` in afterAll.
 */
import { randomBytes } from "node:crypto";
import { expect } from "vitest";
import { post, verifyLedger } from "../../lib/ledger/index.js";
import { type Paise, paise } from "../../lib/money/index.js";

export { closeLedgerPool } from "../../lib/ledger/index.js";

export const testRef = (prefix = "T") => `${prefix}-${randomBytes(8).toString("hex")}`;

export async function fundWallet(userId: number, amountPaise: Paise | number): Promise<void> {
  await post({
    reference: testRef("FUND"),
    kind: "adjustment",
    enforceLimits: false,
    walletLegs: [
      {
        userId,
        direction: "credit",
        amountPaise: paise(amountPaise),
        transactionType: "deposit",
        ledgerType: "TopIn",
        remarks: "test funding",
      },
    ],
    systemLegs: [{ account: "adjustments", direction: "debit", amountPaise: paise(amountPaise) }],
  });
}

export async function expectLedgerClean(): Promise<void> {
  const result = await verifyLedger();
  expect(result.violations).toEqual([]);
  expect(result.ok).toBe(true);
}

/** A raw P2P posting through `post()` (debit `from`, credit `to`), limits enforced. */
export const p2p = (from: number, to: number, amount: number, reference = testRef("P2P")) =>
  post({
    reference,
    kind: "p2p",
    walletLegs: [
      {
        userId: from,
        direction: "debit",
        amountPaise: paise(amount),
        transactionType: "transfer",
        ledgerType: "Transfer",
        counterpartyUserId: to,
      },
      {
        userId: to,
        direction: "credit",
        amountPaise: paise(amount),
        transactionType: "transfer",
        ledgerType: "Transfer",
        counterpartyUserId: from,
      },
    ],
    systemLegs: [],
  });
