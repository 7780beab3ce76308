/**
 * `post()`: the only writer of wallet balances and ledger lines. One posting = one short transaction
 * in (at most) three round trips: [beforeLocks], A = claim reference + lock wallets (ascending id) +
 * read limit counters, B = all writes + COMMIT. Everything that can be prepared without the locks
 * (validation, SQL text, dates, windows) is prepared before A; between A and B only in-memory checks
 * run. No network call other than these statements happens while a wallet row is locked.
 */
import { drizzle } from "drizzle-orm/mysql2";
import type { PoolConnection } from "mysql2/promise";
import * as schema from "../../db/schema/index.js";
import type { Database } from "../db/index.js";
import { istDate, limitWindows } from "../limits/windows.js";
import { paise } from "../money/index.js";
import { applyLegs, type HoldRelease } from "./apply-legs.js";
import { onLedgerConnection } from "./connection.js";
import { injectFault } from "./faults.js";
import { lockWallets, OPEN_TX } from "./lock-wallets.js";
import { withLedgerRetry } from "./retry.js";
import type { PostedLine, PostingInput, PostingResult } from "./types.js";
import { validatePosting } from "./validate.js";
import { buildWrites, type Statement, sendWrites } from "./write-batch.js";

export type PostOptions = {
  /** The caller already opened the transaction on `conn` (hold capture). */
  inTransaction?: boolean;
  /** Held amount released in the same transaction (hold capture). */
  release?: HoldRelease;
  /** Extra statements for the write batch; may use `{postingId}` as a parameter value. */
  extra?: (postingId: number) => Statement[];
};

/** Posts on a given connection (the crash test and hold capture use this); the caller handles rollback. */
export async function postOnConnection(
  conn: PoolConnection,
  input: PostingInput,
  options: PostOptions = {},
): Promise<PostingResult> {
  validatePosting(input);
  const now = new Date();
  const windows = limitWindows(now);
  const ledgerDate = istDate(now);
  let prefix = options.inTransaction ? "" : OPEN_TX;
  if (input.beforeLocks) {
    if (prefix) await conn.query(prefix);
    prefix = "";
    await input.beforeLocks(drizzle(conn, { schema, mode: "default" }) as unknown as Database);
  }
  const { postingId, wallets } = await lockWallets(conn, {
    prefix,
    reference: input.reference,
    kind: input.kind,
    limitsEnforced: input.enforceLimits ?? true,
    userIds: input.walletLegs.map((l) => l.userId),
    windows,
  });
  injectFault("after-lock");
  const { lines, deltas } = applyLegs(input, wallets, options.release);
  const writes = buildWrites(
    input,
    postingId,
    { lines, deltas, wallets: [...wallets.values()] },
    { ledgerDate, windows },
  );
  if (options.extra) writes.push(...options.extra(postingId));
  if (options.inTransaction) {
    // The caller commits; send the writes without COMMIT by reusing the batch path minus its COMMIT.
    const ids = await sendWritesNoCommit(conn, postingId, writes);
    return result(postingId, input.reference, lines, ids, ledgerDate);
  }
  const ids = await sendWrites(conn, postingId, writes);
  return result(postingId, input.reference, lines, ids, ledgerDate);
}

async function sendWritesNoCommit(conn: PoolConnection, postingId: number, writes: Statement[]) {
  const [rows] = (await conn.query(
    `${writes.map((s) => s.sql).join("; ")}; SELECT id, reference_number FROM transactions WHERE posting_id = ?`,
    [...writes.flatMap((s) => s.params), postingId],
  )) as unknown as [unknown[]];
  const last = rows[rows.length - 1] as { id: number; reference_number: string }[];
  return new Map(last.map((r) => [String(r.reference_number), Number(r.id)]));
}

function result(
  postingId: number,
  reference: string,
  lines: ReturnType<typeof applyLegs>["lines"],
  ids: Map<string, number>,
  ledgerDate: string,
): PostingResult {
  const posted: PostedLine[] = lines.map((l) => ({
    id: ids.get(l.referenceNumber) ?? 0,
    userId: l.leg.userId,
    referenceNumber: l.referenceNumber,
    direction: l.leg.direction,
    amountPaise: l.leg.amountPaise,
    openingBalancePaise: paise(l.openingPaise),
    closingBalancePaise: paise(l.closingPaise),
    ledgerDate,
  }));
  return { postingId, reference, lines: posted };
}

/**
 * Posts a balanced multi-leg entry atomically. Business rejections (INSUFFICIENT_FUNDS,
 * LIMIT_EXCEEDED, KYC_REQUIRED, NOT_FOUND, CONFLICT for a reused reference) roll back and leave no
 * trace; deadlocks and lock-wait timeouts re-run the whole transaction.
 */
export async function post(input: PostingInput): Promise<PostingResult> {
  validatePosting(input);
  return withLedgerRetry(() => onLedgerConnection((conn) => postOnConnection(conn, input)));
}
