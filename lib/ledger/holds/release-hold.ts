/**
 * `voidHold()` and `sweepExpiredHolds()`: a hold leaves `active` at most once. Both lock the hold row
 * first and re-check its state under the lock, so concurrent voids, sweeps and captures cannot
 * release the same money twice. Expiry is judged by database time (or an explicit `now` for sweeps).
 */
import type { RowDataPacket } from "mysql2/promise";
import { auditStatement } from "../../audit/index.js";
import { pool } from "../../db/index.js";
import { AppError } from "../../http/errors.js";
import { logger } from "../../log.js";
import { decimalFromPaise } from "../../money/index.js";
import { onLedgerConnection } from "../connection.js";
import { OPEN_TX } from "../lock-wallets.js";
import { withLedgerRetry } from "../retry.js";
import type { Hold } from "../types.js";
import { lockHold, readHold } from "./hold-row.js";

type Target = { status: "voided" | "expired"; note: string; now: Date | null };

async function release(holdId: number, target: Target): Promise<{ hold: Hold; changed: boolean }> {
  return withLedgerRetry(() =>
    onLedgerConnection(async (conn) => {
      const { hold, expired } = await lockHold(conn, holdId, OPEN_TX, target.now);
      if (hold.status === "captured" && target.status === "voided")
        throw new AppError("CONFLICT", "The hold was already captured and cannot be voided.");
      if (hold.status !== "active" || (target.status === "expired" && !expired)) {
        await conn.query("COMMIT");
        return { hold, changed: false };
      }
      // A void is audited by the flow that asks for it (a refund's own row); an expiry has no such
      // caller, so the sweep writes its row, in the same transaction as the release.
      const audit = target.status === "expired" ? expiryAudit(hold) : null;
      await conn.query(
        "UPDATE wallet_holds SET status = ?, resolved_at = NOW(3), reason = LEFT(CONCAT(reason, ' | ', ?), 255) WHERE id = ?;" +
          ` UPDATE users SET held_balance = held_balance - CAST(? AS DECIMAL(15,2)) WHERE id = ?;${audit ? ` ${audit.sql};` : ""} COMMIT`,
        [target.status, target.note, holdId, decimalFromPaise(hold.amountPaise), hold.userId, ...(audit?.params ?? [])],
      );
      return { hold: await readHold(conn, holdId), changed: true };
    }),
  );
}

const expiryAudit = (hold: Hold) =>
  auditStatement({
    actorUserId: null,
    action: "hold.expired",
    entityType: "hold",
    entityId: hold.id,
    before: { status: hold.status },
    after: { status: "expired", userId: hold.userId, reference: hold.reference, amountPaise: hold.amountPaise },
  });

/** Voids an active hold (its amount becomes available again). Idempotent: voiding again returns the hold. */
export async function voidHold(i: { holdId: number; reason: string }): Promise<Hold> {
  return (await release(i.holdId, { status: "voided", note: `voided: ${i.reason}`, now: null })).hold;
}

/**
 * Voids the hold reserved under `reference`, if there is one: for a caller that died after the hold
 * committed but before it kept the hold's id. Null when no hold has that reference.
 */
export async function voidHoldByReference(i: { reference: string; reason: string }): Promise<Hold | null> {
  const [rows] = await pool.query<RowDataPacket[]>("SELECT id FROM wallet_holds WHERE reference = ?", [i.reference]);
  const id = rows[0]?.id;
  return id === undefined ? null : voidHold({ holdId: Number(id), reason: i.reason });
}

/** The sweep stops starting releases after this long: a cron call has 30 s and other sweeps follow. */
const SWEEP_BUDGET_MS = 10_000;

/**
 * Expires every active hold whose `expires_at` has passed (database time unless `now` is given): how
 * many this call expired, and how many it could not release. Safe to run concurrently and repeatedly
 * (cron); what is left (past the budget or the 1,000 per call) goes in the next call.
 */
export async function sweepExpiredHolds(now?: Date): Promise<{ expired: number; failed: number }> {
  const started = Date.now();
  const [rows] = (await pool.query(
    "SELECT id FROM wallet_holds WHERE status = 'active' AND expires_at <= COALESCE(?, NOW(3)) ORDER BY id LIMIT 1000",
    [now ?? null],
  )) as [RowDataPacket[], unknown];
  let [expired, failed] = [0, 0];
  for (const r of rows) {
    if (Date.now() - started > SWEEP_BUDGET_MS) break;
    // One hold that cannot be released (a drifted wallet, a lock that stays busy) must not keep every
    // later hold's money frozen: it is logged, counted and retried on the next run; the others go on.
    try {
      const { changed } = await release(Number(r.id), { status: "expired", note: "expired", now: now ?? null });
      if (changed) expired++;
    } catch (error) {
      failed++;
      logger.error({ err: error, holdId: Number(r.id) }, "ledger: expired hold could not be released; will retry");
    }
  }
  return { expired, failed };
}
