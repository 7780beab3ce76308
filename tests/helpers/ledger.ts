/**
 * Ledger test helpers: `fundWallet` puts money in a wallet the way an admin adjustment would (a real
 * posting from the `adjustments` system account, limits not enforced), and `expectLedgerClean`
 * asserts the verifier finds nothing. Call `expectLedgerClean()` at the end of every money-moving test
 * and `afterAll(closeDatabases)` (both pools) in every file that posts.
 */
import { randomBytes } from "node:crypto";
import { eq, inArray } from "drizzle-orm";
import type { RowDataPacket } from "mysql2";
import { expect } from "vitest";
import { users } from "../../db/schema/index.js";
import { db, pool } from "../../lib/db/index.js";
import { closeLedgerPool, createHold, type Hold, post, verifyLedger } from "../../lib/ledger/index.js";
import { lineHashSql } from "../../lib/ledger/line-hash.js";
import { type Paise, paise } from "../../lib/money/index.js";

export { closeLedgerPool };

/** Closes the ledger pool and the app pool (afterAll of every file that posts). */
export async function closeDatabases(): Promise<void> {
  await closeLedgerPool();
  await pool.end();
}

/** A wallet's balance as the user row holds it. */
export const balanceOf = async (id: number) =>
  (await db.select({ b: users.walletBalance }).from(users).where(eq(users.id, id)))[0]?.b;

/** `id → [balance, held]` of the given wallets (rows that exist). */
export async function balancesAndHolds(ids: number[]): Promise<Map<number, [Paise, Paise]>> {
  const rows = await db
    .select({ id: users.id, b: users.walletBalance, h: users.heldBalance })
    .from(users)
    .where(inArray(users.id, ids));
  return new Map(rows.map((r) => [r.id, [r.b, r.h]]));
}

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

/** Reserves `amountPaise` of a wallet under a fresh reference, expiring `ttlMs` from now. */
export const holdFor = (userId: number, amountPaise: number, ttlMs = 60_000, enforceLimits = true): Promise<Hold> =>
  createHold({
    userId,
    amountPaise: paise(amountPaise),
    reference: testRef("H"),
    expiresAt: new Date(Date.now() + ttlMs),
    reason: "test hold",
    enforceLimits,
  });

/**
 * Runs `tamper` with the database's append-only guards on ledger rows (migration 0008) dropped, then
 * puts them back as they were: their DDL is read from the database, so the migration stays their one
 * definition. Only for tests that corrupt or fake ledger history on purpose (to prove the verifier sees
 * it); each test worker has its own database, so nothing else runs unguarded meanwhile.
 */
export async function withAppendOnlyLifted<T>(tamper: () => Promise<T>): Promise<T> {
  const [guards] = await pool.query<RowDataPacket[]>(
    "SELECT TRIGGER_NAME AS name FROM information_schema.TRIGGERS" +
      " WHERE TRIGGER_SCHEMA = DATABASE() AND TRIGGER_NAME LIKE '%append_only%'",
  );
  if (guards.length === 0) throw new Error("no append-only guards in this database: is migration 0008 applied?");
  const ddl: string[] = [];
  for (const { name } of guards) {
    const [[created]] = await pool.query<RowDataPacket[]>(`SHOW CREATE TRIGGER \`${name}\``);
    ddl.push(String(created?.["SQL Original Statement"]));
  }
  const dropped: string[] = [];
  try {
    for (const [i, { name }] of guards.entries()) {
      await pool.query(`DROP TRIGGER \`${name}\``);
      dropped.push(ddl[i] as string);
    }
    return await tamper();
  } finally {
    for (const statement of dropped) await pool.query(statement);
  }
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

/**
 * Fakes history on purpose (backdated lines for date tests), as it would have been written: `edit` runs
 * with the append-only guards lifted, then the hash chains of `userIds` are recomputed from their first
 * line with the ledger's own SQL, so the verifier sees a consistent past rather than tampering.
 */
export async function rewriteHistory<T>(userIds: number[], edit: () => Promise<T>): Promise<T> {
  return withAppendOnlyLifted(async () => {
    const result = await edit();
    for (const userId of userIds) {
      const [lines] = await pool.query<RowDataPacket[]>(
        "SELECT id FROM transactions WHERE user_id = ? ORDER BY wallet_seq",
        [userId],
      );
      let prev = "";
      for (const { id } of lines) {
        await pool.query(`UPDATE transactions t SET t.entry_hash = ${lineHashSql("?", "t.")} WHERE t.id = ?`, [
          prev,
          id,
        ]);
        const [[row]] = await pool.query<RowDataPacket[]>("SELECT entry_hash FROM transactions WHERE id = ?", [id]);
        prev = String(row?.entry_hash);
      }
    }
    return result;
  });
}
