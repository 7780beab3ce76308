/**
 * `post()`: the only writer of wallet balances and ledger lines. One posting = one short transaction
 * in (at most) three round trips: [beforeLocks], A = claim reference + lock the debited wallets
 * (ascending id) + read their limit counters, B = all writes + COMMIT. Everything that can be prepared
 * without locks is prepared before A; between A and B only in-memory checks run.
 *
 * Hot recipients: a wallet that is only credited by a posting needs no pre-read for funds, so (when
 * its tier has no loading caps) it is locked late, inside batch B, right before COMMIT — its row lock
 * then lasts for the tail of one server-side batch, never for a network round trip or JS time. See
 * docs/ARCHITECTURE.md "The ledger".
 */
import { drizzle } from "drizzle-orm/mysql2";
import type { PoolConnection } from "mysql2/promise";
import { type Database, dbErrno, MYSQL } from "../db/index.js";
import { tierFor } from "../limits/config.js";
import { paiseFromDecimal } from "../money/index.js";
import { applyLegs, type HoldRelease } from "./apply-legs.js";
import { onLedgerConnection } from "./connection.js";
import { injectFault } from "./faults.js";
import { lockMore, lockWallets, OPEN_TX, type Peeked, readLimitedHeld } from "./lock-wallets.js";
import { withLedgerRetry } from "./retry.js";
import type { PostedLine, PostingInput, PostingResult } from "./types.js";
import { validatePosting } from "./validate.js";
import { buildWrites, sendWrites } from "./write-batch.js";

export type PostOptions = {
  /** The caller already opened the transaction on `conn` and will commit it (hold capture). */
  inTransaction?: boolean;
  /** Held amount released in the same transaction (hold capture). */
  release?: HoldRelease;
  /** Lock every wallet up front (the slow path that reports precise limit errors). */
  allEarly?: boolean;
};

/** Posts on a given connection; the caller handles rollback (onLedgerConnection does). */
export async function postOnConnection(
  conn: PoolConnection,
  input: PostingInput,
  options: PostOptions = {},
): Promise<PostingResult> {
  validatePosting(input);
  const enforce = input.enforceLimits ?? true;
  const debited = new Set(input.walletLegs.filter((l) => l.direction === "debit").map((l) => l.userId));
  if (options.release) debited.add(options.release.userId);
  const creditOnly = [...new Set(input.walletLegs.map((l) => l.userId))].filter((id) => !debited.has(id));
  const lockIds = options.allEarly ? [...debited, ...creditOnly] : [...debited];
  const peekIds = options.allEarly ? [] : creditOnly;
  let prefix = options.inTransaction ? "" : OPEN_TX;
  if (input.beforeLocks) {
    if (prefix) await conn.query(prefix);
    prefix = "";
    await input.beforeLocks(drizzle(conn, { mode: "default" }) as Database);
  }
  // The limit windows come back from the database's clock, the one that also dates the lines.
  const { postingId, wallets, peeked, windows } = await lockWallets(conn, {
    prefix,
    leading: input.leadingStatements ?? [],
    reference: input.reference,
    kind: input.kind,
    limitsEnforced: enforce,
    lockIds,
    peekIds,
  });
  // Wallets with loading caps (small PPI) need their counters checked under the lock: lock them now.
  const late = new Map<number, Peeked>();
  const needLock: number[] = [];
  for (const [id, p] of peeked) {
    const t = tierFor(p.kycStatus);
    if (!enforce || (t.monthlyCreditPaise === null && t.yearlyCreditPaise === null)) late.set(id, p);
    else needLock.push(id);
  }
  if (needLock.length > 0) await lockMore(conn, needLock, windows, wallets);
  // A debited wallet with held money: which of it counts against the debit limits (one more query,
  // only for such wallets).
  if (enforce)
    await readLimitedHeld(
      conn,
      [...debited].flatMap((id) => wallets.get(id) ?? []),
    );
  injectFault("after-lock");
  const { lines, deltas, late: lateWallets } = applyLegs(input, wallets, late, options.release);
  const writes = buildWrites(
    input,
    postingId,
    { lines, deltas, wallets: [...wallets.values()], late: lateWallets },
    { windows },
  );
  if (input.trailingStatements) writes.push(...input.trailingStatements(postingId));
  const back = await sendWrites(conn, postingId, writes, !options.inTransaction);
  const posted: PostedLine[] = lines.map((l) => {
    const row = back.get(l.referenceNumber);
    if (!row) throw new Error(`ledger line ${l.referenceNumber} missing after write`);
    return {
      id: row.id,
      userId: l.leg.userId,
      referenceNumber: l.referenceNumber,
      direction: l.leg.direction,
      amountPaise: l.leg.amountPaise,
      openingBalancePaise: paiseFromDecimal(row.openingPaise),
      closingBalancePaise: paiseFromDecimal(row.closingPaise),
      ledgerDate: row.ledgerDate,
      createdAt: row.createdAt,
    };
  });
  return { postingId, reference: input.reference, lines: posted };
}

/**
 * Posts a balanced multi-leg entry atomically. Business rejections (INSUFFICIENT_FUNDS,
 * LIMIT_EXCEEDED, KYC_REQUIRED, NOT_FOUND, CONFLICT for a reused reference) roll back and leave no
 * trace; deadlocks and lock-wait timeouts re-run the whole transaction.
 */
export async function post(input: PostingInput): Promise<PostingResult> {
  validatePosting(input);
  const run = (options: PostOptions) =>
    withLedgerRetry(() => onLedgerConnection((conn) => postOnConnection(conn, input, options)));
  try {
    return await run({});
  } catch (error) {
    // A late wallet's guard tripped (tier changed, cap reached, wallet gone): the slow path locks
    // every wallet first and answers with the precise business error (or succeeds if the race passed).
    if (dbErrno(error) !== MYSQL.NO_REFERENCED_ROW) throw error;
    return run({ allEarly: true });
  }
}
