/**
 * Round trip A of a posting: (open the transaction,) claim the posting reference, lock every wallet
 * row in ascending id order with SELECT … FOR UPDATE, and read the wallets' limit counters — one
 * multi-statement round trip. READ COMMITTED: every read after the lock sees the latest committed
 * counters, and no gap locks are taken on the counters table.
 */
import type { PoolConnection, ResultSetHeader, RowDataPacket } from "mysql2/promise";
import { isDuplicateKey } from "../db/index.js";
import { AppError } from "../http/errors.js";
import type { WindowUsage } from "../limits/check-limits.js";
import { type Windows, windowColumnsSql, windowsFromRow, windowsSql } from "../limits/windows.js";
import { type Paise, paiseFromDecimal } from "../money/index.js";
import { HEAD_JOIN_SQL } from "./line-hash.js";
import type { SqlStatement } from "./types.js";

/** The ledger pool's sessions run READ COMMITTED (set once per connection in connection.ts). */
export const OPEN_TX = "START TRANSACTION;";

export type LockedWallet = {
  id: number;
  balancePaise: number;
  heldPaise: number;
  seq: number;
  /** The hash of the wallet's last line when it was locked (null: no hashed line yet). */
  headHash: string | null;
  kycStatus: string | null;
  dailyLimitPaise: Paise | null;
  monthlyLimitPaise: Paise | null;
  userCode: string | null;
  isActive: boolean;
  openedAt: Date | null;
  usage: WindowUsage;
  /** Held money that counts against the debit limits (readLimitedHeld); 0 until read. */
  limitHeldPaise: number;
};

const money = (v: unknown): number => paiseFromDecimal(String(v));
const moneyOrNull = (v: unknown): Paise | null => (v === null || v === undefined ? null : paiseFromDecimal(String(v)));

export const LOCK_COLUMNS =
  "id, wallet_balance, held_balance, wallet_seq, kyc_status, daily_limit, monthly_limit, user_code, is_active, created_at";

export function walletFromRow(r: RowDataPacket): Omit<LockedWallet, "usage" | "headHash" | "limitHeldPaise"> {
  return {
    id: Number(r.id),
    balancePaise: money(r.wallet_balance),
    heldPaise: money(r.held_balance),
    seq: Number(r.wallet_seq),
    kycStatus: r.kyc_status ?? null,
    dailyLimitPaise: moneyOrNull(r.daily_limit),
    monthlyLimitPaise: moneyOrNull(r.monthly_limit),
    userCode: r.user_code ?? null,
    isActive: Boolean(Number(r.is_active)), // NULL is inactive, as at sign-in
    openedAt: r.created_at ? new Date(r.created_at) : null,
  };
}

const WINDOWS = [
  ["d", "day"],
  ["m", "month"],
  ["f", "fy"],
] as const;

/**
 * One locking read for wallets AND their three counters (LEFT JOINs on the counters' primary key):
 * the wallet row is locked first, then its counter rows, always in ascending wallet id order. Without
 * `w`, the windows are the database clock's at this statement, and each row returns them (`win_*`).
 */
function lockStatements(ids: number[], w?: Windows): { sql: string; params: unknown[] } {
  if (ids.length === 0) return { sql: "", params: [] };
  const cols = WINDOWS.map(
    ([a]) => `${a}.debit_amount AS ${a}_debit, ${a}.credit_amount AS ${a}_credit, ${a}.p2p_out_amount AS ${a}_p2p`,
  );
  const start = windowsSql();
  const joins = WINDOWS.map(
    ([a, period]) =>
      ` LEFT JOIN wallet_limit_usage ${a} ON ${a}.user_id = u.id AND ${a}.period = '${period}' AND ${a}.period_start = ${w ? "?" : start[period]}`,
  );
  const userCols = LOCK_COLUMNS.split(", ").map((c) => `u.${c}`);
  const windowCols = w ? [] : [windowColumnsSql()];
  return {
    sql: ` SELECT ${[...userCols, "hl.entry_hash AS head_hash", ...cols, ...windowCols].join(", ")} FROM users u${HEAD_JOIN_SQL}${joins.join("")} WHERE u.id IN (?) ORDER BY u.id FOR UPDATE;`,
    params: w ? [w.day, w.month, w.fy, ids] : [ids],
  };
}

const counters = (r: RowDataPacket, a: string) => ({
  debitPaise: r[`${a}_debit`] === null ? 0 : money(r[`${a}_debit`]),
  creditPaise: r[`${a}_credit`] === null ? 0 : money(r[`${a}_credit`]),
  p2pOutPaise: r[`${a}_p2p`] === null ? 0 : money(r[`${a}_p2p`]),
});

function readLocked(rows: RowDataPacket[], into: Map<number, LockedWallet>): void {
  for (const r of rows) {
    into.set(Number(r.id), {
      ...walletFromRow(r),
      headHash: r.head_hash ?? null,
      limitHeldPaise: 0,
      usage: { day: counters(r, "d"), month: counters(r, "m"), fy: counters(r, "f") },
    });
  }
}

/**
 * The active holds that count against each wallet's debit limits (`limits_enforced`), summed per
 * wallet: what a debit's limit check treats as already spent. Holds reserved without limits (refunds
 * to source) are in `held_balance` (they are not available) but not here.
 */
export const LIMITED_HELD_SQL =
  "SELECT user_id, SUM(amount) AS held FROM wallet_holds WHERE user_id IN (?) AND status = 'active' AND limits_enforced GROUP BY user_id";

export function limitedHeld(rows: RowDataPacket[]): Map<number, number> {
  return new Map(rows.map((r) => [Number(r.user_id), money(r.held)]));
}

/**
 * Sets `limitHeldPaise` of the locked wallets that have held money; the others keep 0 without a query
 * (the common case costs nothing). Runs under the wallet locks: holds change only under them.
 */
export async function readLimitedHeld(conn: PoolConnection, wallets: Iterable<LockedWallet>): Promise<void> {
  const withHolds = [...wallets].filter((w) => w.heldPaise > 0);
  if (withHolds.length === 0) return;
  const [rows] = (await conn.query(LIMITED_HELD_SQL, [withHolds.map((w) => w.id)])) as [RowDataPacket[], unknown];
  const held = limitedHeld(rows);
  for (const w of withHolds) w.limitHeldPaise = held.get(w.id) ?? 0;
}

export type Peeked = { kycStatus: string | null; userCode: string | null };

/**
 * Claims the reference, locks `lockIds` (ascending) and reads their counters, and peeks (no lock) at
 * `peekIds` — the credit-only wallets that may be locked late, inside the write batch. Also returns the
 * limit windows on the database's clock, which the rest of the posting uses.
 */
export async function lockWallets(
  conn: PoolConnection,
  opts: {
    prefix: string;
    /** Caller statements run first (the durable idempotency row), before the reference is claimed. */
    leading: SqlStatement[];
    reference: string;
    kind: string;
    limitsEnforced: boolean;
    lockIds: number[];
    peekIds: number[];
  },
): Promise<{ postingId: number; wallets: Map<number, LockedWallet>; peeked: Map<number, Peeked>; windows: Windows }> {
  const ids = [...new Set(opts.lockIds)].sort((a, b) => a - b);
  const lock = lockStatements(ids);
  const peek =
    opts.peekIds.length > 0
      ? ` SELECT id, kyc_status, user_code, ${windowColumnsSql()} FROM users WHERE id IN (?);`
      : "";
  const leading = opts.leading.map((s) => ` ${s.sql};`).join("");
  const sql = `${opts.prefix}${leading} INSERT INTO postings (reference, kind, limits_enforced) VALUES (?, ?, ?);${lock.sql}${peek}`;
  const params = [
    ...opts.leading.flatMap((s) => s.params),
    opts.reference,
    opts.kind,
    opts.limitsEnforced,
    ...lock.params,
    ...(peek ? [opts.peekIds] : []),
  ];
  let results: unknown[];
  try {
    [results] = (await conn.query(sql, params)) as unknown as [unknown[]];
  } catch (error) {
    if (isDuplicateKey(error, "uq_postings_reference"))
      throw new AppError("CONFLICT", `A posting with reference ${opts.reference} already exists.`, { cause: error });
    throw error;
  }
  const tail = (peek ? 1 : 0) + (lock.sql ? 1 : 0);
  const postingId = (results[results.length - 1 - tail] as ResultSetHeader).insertId;
  const wallets = new Map<number, LockedWallet>();
  const lockedRows = lock.sql ? (results[results.length - (peek ? 2 : 1)] as RowDataPacket[]) : [];
  readLocked(lockedRows, wallets);
  const peeked = new Map<number, Peeked>();
  const peekedRows = peek ? (results[results.length - 1] as RowDataPacket[]) : [];
  for (const r of peekedRows)
    peeked.set(Number(r.id), { kycStatus: r.kyc_status ?? null, userCode: r.user_code ?? null });
  for (const id of [...ids, ...opts.peekIds])
    if (!wallets.has(id) && !peeked.has(id)) throw new AppError("NOT_FOUND", `Wallet ${id} does not exist.`);
  const clock = lockedRows[0] ?? peekedRows[0];
  if (!clock) throw new Error("a posting without wallet legs reached lockWallets");
  return { postingId, wallets, peeked, windows: windowsFromRow(clock) };
}

/** Locks more wallets in an open posting transaction (credit-only wallets whose tier needs their counters). */
export async function lockMore(
  conn: PoolConnection,
  ids: number[],
  windows: Windows,
  into: Map<number, LockedWallet>,
): Promise<void> {
  const lock = lockStatements(
    [...ids].sort((a, b) => a - b),
    windows,
  );
  const [rows] = (await conn.query(lock.sql.replace(/;\s*$/, ""), lock.params)) as unknown as [RowDataPacket[]];
  readLocked(rows, into);
}
