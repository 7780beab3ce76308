/**
 * Round trip A of a posting: (open the transaction,) claim the posting reference, lock every wallet
 * row in ascending id order with SELECT … FOR UPDATE, and read the wallets' limit counters — one
 * multi-statement round trip. READ COMMITTED: every read after the lock sees the latest committed
 * counters, and no gap locks are taken on the counters table.
 */
import type { PoolConnection, ResultSetHeader, RowDataPacket } from "mysql2/promise";
import { isDuplicateKey } from "../db/index.js";
import { AppError } from "../http/errors.js";
import { EMPTY_COUNTERS, type WindowUsage } from "../limits/check-limits.js";
import type { Windows } from "../limits/windows.js";
import { type Paise, paiseFromDecimal } from "../money/index.js";

export const OPEN_TX = "SET TRANSACTION ISOLATION LEVEL READ COMMITTED; START TRANSACTION;";

export type LockedWallet = {
  id: number;
  balancePaise: number;
  heldPaise: number;
  seq: number;
  kycStatus: string | null;
  dailyLimitPaise: Paise | null;
  monthlyLimitPaise: Paise | null;
  userCode: string | null;
  isActive: boolean;
  usage: WindowUsage;
};

const money = (v: unknown): number => paiseFromDecimal(String(v));
const moneyOrNull = (v: unknown): Paise | null => (v === null || v === undefined ? null : paiseFromDecimal(String(v)));

export const LOCK_COLUMNS =
  "id, wallet_balance, held_balance, wallet_seq, kyc_status, daily_limit, monthly_limit, user_code, is_active";

export function walletFromRow(r: RowDataPacket): Omit<LockedWallet, "usage"> {
  return {
    id: Number(r.id),
    balancePaise: money(r.wallet_balance),
    heldPaise: money(r.held_balance),
    seq: Number(r.wallet_seq),
    kycStatus: r.kyc_status ?? null,
    dailyLimitPaise: moneyOrNull(r.daily_limit),
    monthlyLimitPaise: moneyOrNull(r.monthly_limit),
    userCode: r.user_code ?? null,
    isActive: r.is_active === null ? true : Boolean(Number(r.is_active)),
  };
}

/** Claims the reference, locks the wallets and reads their counters. Returns the posting id and wallets by id. */
export async function lockWallets(
  conn: PoolConnection,
  opts: {
    prefix: string;
    reference: string;
    kind: string;
    limitsEnforced: boolean;
    userIds: number[];
    windows: Windows;
  },
): Promise<{ postingId: number; wallets: Map<number, LockedWallet> }> {
  const ids = [...new Set(opts.userIds)].sort((a, b) => a - b);
  const sql =
    `${opts.prefix} INSERT INTO postings (reference, kind, limits_enforced) VALUES (?, ?, ?);` +
    ` SELECT ${LOCK_COLUMNS} FROM users WHERE id IN (?) ORDER BY id FOR UPDATE;` +
    " SELECT user_id, period, debit_amount, credit_amount, p2p_out_amount FROM wallet_limit_usage" +
    " WHERE user_id IN (?) AND ((period = 'day' AND period_start = ?) OR (period = 'month' AND period_start = ?)" +
    " OR (period = 'fy' AND period_start = ?))";
  const { windows: w } = opts;
  let results: unknown[];
  try {
    [results] = (await conn.query(sql, [
      opts.reference,
      opts.kind,
      opts.limitsEnforced,
      ids,
      ids,
      w.day,
      w.month,
      w.fy,
    ])) as unknown as [unknown[]];
  } catch (error) {
    if (isDuplicateKey(error, "uq_postings_reference"))
      throw new AppError("CONFLICT", `A posting with reference ${opts.reference} already exists.`, { cause: error });
    throw error;
  }
  const n = results.length;
  const postingId = (results[n - 3] as ResultSetHeader).insertId;
  const wallets = new Map<number, LockedWallet>();
  for (const r of results[n - 2] as RowDataPacket[]) {
    wallets.set(Number(r.id), {
      ...walletFromRow(r),
      usage: { day: { ...EMPTY_COUNTERS }, month: { ...EMPTY_COUNTERS }, fy: { ...EMPTY_COUNTERS } },
    });
  }
  for (const r of results[n - 1] as RowDataPacket[]) {
    const wallet = wallets.get(Number(r.user_id));
    if (!wallet) continue;
    wallet.usage[r.period as keyof WindowUsage] = {
      debitPaise: money(r.debit_amount),
      creditPaise: money(r.credit_amount),
      p2pOutPaise: money(r.p2p_out_amount),
    };
  }
  for (const id of ids) if (!wallets.has(id)) throw new AppError("NOT_FOUND", `Wallet ${id} does not exist.`);
  return { postingId, wallets };
}
