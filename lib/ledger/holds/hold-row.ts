/** Hold rows as read by the hold functions, mapped to the public `Hold` shape. */
import type { PoolConnection, RowDataPacket } from "mysql2/promise";
import { AppError } from "../../http/errors.js";
import { paiseFromDecimal } from "../../money/index.js";
import type { Hold, HoldStatus } from "../types.js";

export const HOLD_COLUMNS =
  "id, user_id, reference, amount, captured_amount, status, reason, expires_at, resolved_at, posting_id, limits_enforced";

export function toHold(r: RowDataPacket): Hold {
  return {
    id: Number(r.id),
    userId: Number(r.user_id),
    reference: String(r.reference),
    amountPaise: paiseFromDecimal(String(r.amount)),
    capturedAmountPaise: paiseFromDecimal(String(r.captured_amount)),
    status: r.status as HoldStatus,
    reason: String(r.reason),
    expiresAt: new Date(r.expires_at),
    resolvedAt: r.resolved_at ? new Date(r.resolved_at) : null,
    postingId: r.posting_id === null ? null : Number(r.posting_id),
    limitsEnforced: Boolean(Number(r.limits_enforced)),
  };
}

/** Locks one hold row (the hold is always locked before its wallet row: a fixed lock order). */
export async function lockHold(
  conn: PoolConnection,
  holdId: number,
  prefix: string,
  now: Date | null = null,
): Promise<{ hold: Hold; expired: boolean }> {
  const [results] = (await conn.query(
    `${prefix} SELECT ${HOLD_COLUMNS}, expires_at <= COALESCE(?, NOW(3)) AS expired FROM wallet_holds WHERE id = ? FOR UPDATE`,
    [now, holdId],
  )) as unknown as [unknown[]];
  const rows = results[results.length - 1] as RowDataPacket[];
  const row = rows[0];
  if (!row) throw new AppError("NOT_FOUND", "Hold not found.");
  return { hold: toHold(row), expired: Boolean(Number(row.expired)) };
}

export async function readHold(conn: PoolConnection, holdId: number): Promise<Hold> {
  const [rows] = (await conn.query(`SELECT ${HOLD_COLUMNS} FROM wallet_holds WHERE id = ?`, [holdId])) as [
    RowDataPacket[],
    unknown,
  ];
  if (!rows[0]) throw new AppError("NOT_FOUND", "Hold not found.");
  return toHold(rows[0]);
}
