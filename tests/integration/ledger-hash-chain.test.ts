/**
 * The per-wallet hash chain (lib/ledger/line-hash.ts). The database computes every hash; this test
 * recomputes them with its own serialiser, so a writer that hashed the wrong values, chained lines out of
 * order or started from the wrong predecessor is caught — through every path that writes lines.
 */
import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import type { RowDataPacket } from "mysql2";
import { afterAll, describe, expect, it } from "vitest";
import { db, pool } from "../../lib/db/index.js";
import { captureHold, post, verifyLedger } from "../../lib/ledger/index.js";
import { lineHashSql } from "../../lib/ledger/line-hash.js";
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

/** MariaDB's QUOTE(): quotes, escapes \ ' NUL and Ctrl-Z; NULL becomes the bare word NULL. */
const ESCAPES: Record<string, string> = {
  "\\": "\\\\",
  "'": "\\'",
  [String.fromCharCode(0)]: "\\0",
  [String.fromCharCode(26)]: "\\Z",
};
const quote = (v: unknown) => (v === null ? "NULL" : `'${[...String(v)].map((c) => ESCAPES[c] ?? c).join("")}'`);

const FIELDS = `user_id, wallet_seq, posting_id, reference_number, transaction_type, ledger_type, status, amount,
  fee_amount, debit_amount, credit_amount, opening_balance, closing_balance, balance_cap,
  DATE_FORMAT(ledger_date, '%Y-%m-%d') AS ledger_date, from_account_id, to_account_id, recipient_id, user_code,
  payment_method, description, remarks, UNIX_TIMESTAMP(created_at) AS created_epoch`;

async function linesOf(userId: number): Promise<RowDataPacket[]> {
  const [rows] = await pool.query<RowDataPacket[]>(
    `SELECT id, entry_hash, ${FIELDS} FROM transactions WHERE user_id = ? ORDER BY wallet_seq`,
    [userId],
  );
  return rows;
}

/** Recomputes a wallet's chain from its first line; returns the ids whose stored hash differs. */
async function brokenLinks(userId: number): Promise<number[]> {
  let prev = "";
  const broken: number[] = [];
  for (const r of await linesOf(userId)) {
    const { id, entry_hash: stored, ...fields } = r;
    const text = [prev, ...Object.values(fields).map(quote)].join(",");
    const expected = createHash("sha256").update(text, "utf8").digest("hex");
    if (stored !== expected) broken.push(Number(id));
    prev = String(stored);
  }
  return broken;
}

const leg = (userId: number, direction: "debit" | "credit", amount: number, extra: object = {}) => ({
  userId,
  direction,
  amountPaise: paise(amount),
  transactionType: "transfer" as const,
  ledgerType: "Transfer" as const,
  ...extra,
});

describe("ledger hash chain", () => {
  it("hashes every line the way an independent serialiser does, on every write path", async () => {
    const [a, b] = [await createTestUser(), await createTestUser()];
    const small = await createTestUser({ kycStatus: "pending" }); // loading caps: locked before the batch
    await fundWallet(a.id, 50_000); // credit-only: locked late, inside the write batch
    await fundWallet(small.id, 1_000);
    // Two lines of `a` in one posting, one of them naming a late wallet: the chain runs line to line.
    await post({
      reference: testRef("HC"),
      kind: "p2p",
      walletLegs: [
        leg(a.id, "debit", 2_000, { counterpartyUserId: b.id }),
        leg(a.id, "debit", 100, { remarks: "fee" }),
        leg(b.id, "credit", 2_000, { counterpartyUserId: a.id }),
      ],
      systemLegs: [{ account: "adjustments", direction: "credit", amountPaise: paise(100) }],
    });
    // Free text with the serialisation's own separators and escapes in it.
    await post({
      reference: testRef("HC"),
      kind: "p2p",
      walletLegs: [
        leg(b.id, "debit", 500, { counterpartyUserId: small.id, remarks: "O'Brien \\ ,'x', NULL" }),
        leg(small.id, "credit", 500, { counterpartyUserId: b.id, description: "a,b" }),
      ],
      systemLegs: [],
    });
    const hold = await holdFor(a.id, 3_000);
    await captureHold({
      holdId: hold.id,
      amountPaise: paise(1_200),
      posting: {
        reference: testRef("HC"),
        walletLegs: [{ ...leg(a.id, "debit", 1_200), transactionType: "withdrawal" as const }],
        systemLegs: [{ account: "payout_clearing", direction: "credit", amountPaise: paise(1_200) }],
      },
    });

    for (const u of [a, b, small]) {
      const lines = await linesOf(u.id);
      expect(lines.length).toBeGreaterThan(1);
      expect(lines.every((l) => /^[0-9a-f]{64}$/.test(String(l.entry_hash)))).toBe(true);
      expect(await brokenLinks(u.id)).toEqual([]);
    }
    expect((await linesOf(a.id)).map((l) => l.remarks)).toContain("fee");
    await expectLedgerClean();
  });

  it("catches a rewritten line, and its successor once the line's own hash is recomputed", async () => {
    const u = await createTestUser();
    for (const amount of [1_000, 2_000, 3_000]) await fundWallet(u.id, amount);
    const [first, middle, last] = await linesOf(u.id);
    const ids = [first, middle, last].map((l) => Number(l?.id));
    const lineHashOf = async (id: number, prev: string) =>
      String(
        (
          await pool.query<RowDataPacket[]>(`SELECT ${lineHashSql("?", "t.")} AS h FROM transactions t WHERE id = ?`, [
            prev,
            id,
          ])
        )[0][0]?.h,
      );
    const violations = async () =>
      (await verifyLedger()).violations.map((v) => [v.check, JSON.parse(v.detail).id as number]);
    const original = String(middle?.entry_hash);
    try {
      // The remarks are covered by no other check: only the hash sees the edit.
      await withAppendOnlyLifted(() =>
        db.execute(sql`UPDATE transactions SET remarks = 'rewritten' WHERE id = ${ids[1]}`),
      );
      expect(await violations()).toEqual([["line_hash", ids[1]]]);
      // Re-hashing the edited line moves the break to the next line, which still names the old hash.
      const forged = await lineHashOf(ids[1] as number, String(first?.entry_hash));
      expect(forged).not.toBe(original);
      await withAppendOnlyLifted(() =>
        db.execute(sql`UPDATE transactions SET entry_hash = ${forged} WHERE id = ${ids[1]}`),
      );
      expect(await violations()).toEqual([["line_hash", ids[2]]]);
      expect(await brokenLinks(u.id)).toEqual([ids[2]]);
      // A hashed chain cannot shed its hashes either.
      await withAppendOnlyLifted(() => db.execute(sql`UPDATE transactions SET entry_hash = NULL WHERE id = ${ids[2]}`));
      expect(await violations()).toEqual([["line_hash", ids[2]]]);
    } finally {
      await withAppendOnlyLifted(async () => {
        await db.execute(
          sql`UPDATE transactions SET remarks = ${middle?.remarks}, entry_hash = ${original} WHERE id = ${ids[1]}`,
        );
        await db.execute(sql`UPDATE transactions SET entry_hash = ${last?.entry_hash} WHERE id = ${ids[2]}`);
      });
    }
    await expectLedgerClean();
  });
});
