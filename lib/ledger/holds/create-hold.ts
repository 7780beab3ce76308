/**
 * `createHold()`: reserves part of a wallet's available balance for a provider-asynchronous flow
 * (withdrawal, recharge, bill, refund). Reserving checks funds and the debit limits as if every active
 * hold that counts against them were already spent, so a later capture never fails on a limit after
 * the provider succeeded. A hold reserved without limits (a refund to source) counts against none.
 */
import type { PoolConnection, RowDataPacket } from "mysql2/promise";
import { isDuplicateKey } from "../../db/index.js";
import { AppError } from "../../http/errors.js";
import { checkLimits, emptyUsage } from "../../limits/check-limits.js";
import { windowsSql } from "../../limits/windows.js";
import { decimalFromPaise, type Paise, paiseFromDecimal } from "../../money/index.js";
import { onLedgerConnection } from "../connection.js";
import { injectFault } from "../faults.js";
import { LIMITED_HELD_SQL, LOCK_COLUMNS, limitedHeld, OPEN_TX, walletFromRow } from "../lock-wallets.js";
import { withLedgerRetry } from "../retry.js";
import type { Hold } from "../types.js";
import { HOLD_COLUMNS, readHold, toHold } from "./hold-row.js";

export type CreateHoldInput = {
  userId: number;
  amountPaise: Paise;
  reference: string;
  expiresAt: Date;
  reason: string;
  /** Default true: KYC tier + daily/monthly debit limits. */
  enforceLimits?: boolean;
};

/** A wallet's counters in the current windows, on the database's clock (lib/limits/windows.ts). */
const usageNow = (() => {
  const w = windowsSql();
  return (
    "SELECT period, debit_amount, credit_amount, p2p_out_amount FROM wallet_limit_usage WHERE user_id = ?" +
    ` AND ((period = 'day' AND period_start = ${w.day}) OR (period = 'month' AND period_start = ${w.month})` +
    ` OR (period = 'fy' AND period_start = ${w.fy}))`
  );
})();

async function reserve(conn: PoolConnection, i: CreateHoldInput): Promise<Hold> {
  const [results] = (await conn.query(
    `${OPEN_TX} SELECT ${LOCK_COLUMNS}, NOW(3) AS db_now FROM users WHERE id = ? FOR UPDATE; ${usageNow};` +
      ` SELECT ${HOLD_COLUMNS} FROM wallet_holds WHERE reference = ?; ${LIMITED_HELD_SQL}`,
    [i.userId, i.userId, i.reference, [i.userId]],
  )) as unknown as [unknown[]];
  // Results from the end: [wallet row, counters, existing hold, limited held] follow the transaction opener.
  const at = results.length - 4;
  const row = (results[at] as RowDataPacket[])[0];
  if (!row) throw new AppError("NOT_FOUND", "Wallet not found.");
  if (i.expiresAt.getTime() <= new Date(row.db_now).getTime())
    throw new AppError("BAD_REQUEST", "A hold must expire in the future.");
  const existing = (results[at + 2] as RowDataPacket[])[0];
  if (existing) {
    // A retry of the same reservation returns the original hold; a different one is a conflict.
    const hold = toHold(existing);
    await conn.query("COMMIT");
    if (hold.userId === i.userId && hold.amountPaise === i.amountPaise) return hold;
    throw new AppError("CONFLICT", `Hold reference ${i.reference} is already used for a different hold.`);
  }
  const wallet = walletFromRow(row);
  if (wallet.balancePaise - wallet.heldPaise < i.amountPaise)
    throw new AppError("INSUFFICIENT_FUNDS", "Insufficient available balance for this reservation.");
  if (i.enforceLimits ?? true) {
    const usage = emptyUsage();
    for (const u of results[at + 1] as RowDataPacket[]) {
      usage[u.period as keyof typeof usage] = {
        debitPaise: paiseFromDecimal(String(u.debit_amount)),
        creditPaise: paiseFromDecimal(String(u.credit_amount)),
        p2pOutPaise: paiseFromDecimal(String(u.p2p_out_amount)),
      };
    }
    const movement = {
      debitPaise: i.amountPaise,
      loadPaise: 0,
      p2pOutPaise: 0,
      balanceAfterCreditPaise: null,
      heldPaise: limitedHeld(results[at + 3] as RowDataPacket[]).get(i.userId) ?? 0,
    };
    checkLimits(wallet, usage, movement);
  }
  const [batch] = (await conn.query(
    "INSERT INTO wallet_holds (user_id, reference, amount, reason, expires_at, limits_enforced) VALUES (?, ?, ?, ?, ?, ?);" +
      " UPDATE users SET held_balance = held_balance + CAST(? AS DECIMAL(15,2)) WHERE id = ?;" +
      ` SELECT ${HOLD_COLUMNS} FROM wallet_holds WHERE id = LAST_INSERT_ID(); COMMIT`,
    [
      i.userId,
      i.reference,
      decimalFromPaise(i.amountPaise),
      i.reason.slice(0, 255),
      i.expiresAt,
      i.enforceLimits ?? true,
      decimalFromPaise(i.amountPaise),
      i.userId,
    ],
  )) as unknown as [unknown[]];
  injectFault("hold-committed");
  return toHold((batch[2] as RowDataPacket[])[0] as RowDataPacket);
}

/** Reserves funds. Idempotent per reference: the same reference, user and amount returns the same hold. */
export async function createHold(i: CreateHoldInput): Promise<Hold> {
  if (!Number.isSafeInteger(i.amountPaise) || i.amountPaise <= 0)
    throw new AppError("BAD_REQUEST", "Hold amount must be a positive integer number of paise.");
  if (!/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,119}$/.test(i.reference))
    throw new AppError("BAD_REQUEST", "Invalid hold reference.");
  try {
    return await withLedgerRetry(() => onLedgerConnection((conn) => reserve(conn, i)));
  } catch (error) {
    if (!isDuplicateKey(error, "uq_wallet_holds_reference")) throw error;
    const existing = await onLedgerConnection(async (conn) => {
      const [rows] = (await conn.query("SELECT id FROM wallet_holds WHERE reference = ?", [i.reference])) as [
        RowDataPacket[],
        unknown,
      ];
      return readHold(conn, Number(rows[0]?.id));
    });
    if (existing.userId === i.userId && existing.amountPaise === i.amountPaise) return existing;
    throw new AppError("CONFLICT", `Hold reference ${i.reference} is already used for a different hold.`, {
      cause: error,
    });
  }
}
