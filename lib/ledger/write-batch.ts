/**
 * Round trip B of a posting: every write plus COMMIT as one multi-statement batch, so the wallet rows
 * stay locked for a single network round trip after the checks. Late (credit-only) wallets are locked
 * near the END: after the early wallets' lines, system legs, balances and counters, so a hot
 * recipient's row is held only for its own writes, the lines that name it, and COMMIT. Lines whose
 * counterparty foreign key points at a late wallet are inserted after its X lock: an FK check before
 * it would take a shared lock on the hot row and turn concurrent postings into S→X upgrade deadlocks.
 * If any statement fails, the server stops the batch before COMMIT and the caller rolls back.
 */
import type { PoolConnection, RowDataPacket } from "mysql2/promise";
import type { Windows } from "../limits/windows.js";
import type { LateWallet, PlannedLine, WalletDelta } from "./apply-legs.js";
import { injectFault, ledgerFaults } from "./faults.js";
import { HEAD_JOIN_SQL } from "./line-hash.js";
import type { LockedWallet } from "./lock-wallets.js";
import type { PostingInput } from "./types.js";
import { dec, insertLines, LineChains, lateVars, type Statement } from "./write-lines.js";

export type { Statement };

function usageUpsert(deltas: WalletDelta[], w: Windows): Statement[] {
  const used = deltas.filter((d) => d.debitPaise > 0 || d.loadPaise > 0 || d.p2pOutPaise > 0);
  if (used.length === 0) return [];
  const periods = [
    ["day", w.day],
    ["month", w.month],
    ["fy", w.fy],
  ] as const;
  return [
    {
      sql:
        "INSERT INTO wallet_limit_usage (user_id, period, period_start, debit_amount, credit_amount, p2p_out_amount) VALUES " +
        used.flatMap(() => periods.map(() => "(?, ?, ?, ?, ?, ?)")).join(", ") +
        " ON DUPLICATE KEY UPDATE debit_amount = debit_amount + VALUES(debit_amount)," +
        " credit_amount = credit_amount + VALUES(credit_amount), p2p_out_amount = p2p_out_amount + VALUES(p2p_out_amount)",
      params: used.flatMap((u) =>
        periods.flatMap(([p, start]) => [u.userId, p, start, dec(u.debitPaise), dec(u.loadPaise), dec(u.p2pOutPaise)]),
      ),
    },
  ];
}

export function buildWrites(
  input: PostingInput,
  postingId: number,
  plan: { lines: PlannedLine[]; deltas: WalletDelta[]; wallets: LockedWallet[]; late: LateWallet[] },
  ctx: { windows: Windows },
): Statement[] {
  const out: Statement[] = [];
  const lateIds = new Set(plan.late.map((l) => l.userId));
  const late = [...plan.late].sort((a, b) => a.userId - b.userId);
  const refs = new Map(late.map((lw, i) => [lw.userId, { i, ...lw }]));
  const heads = new Map(plan.wallets.map((w) => [w.id, w.headHash ?? ""]));
  // A wallet's chain starts from its last line's hash: read under the lock (early) or by the batch (late).
  const chains = new LineChains((userId) => {
    const ref = refs.get(userId);
    return ref ? { sql: `IFNULL(${lateVars(ref.i).h}, '')`, params: [] } : { sql: "?", params: [heads.get(userId)] };
  });
  const pointsAtLate = (l: PlannedLine) =>
    l.leg.counterpartyUserId !== undefined && lateIds.has(l.leg.counterpartyUserId);
  // A wallet's lines stay together, in wallet_seq order, so its hash chain runs through one INSERT.
  const afterLateLock = new Set(plan.lines.filter((l) => l.late || pointsAtLate(l)).map((l) => l.leg.userId));
  const early = plan.lines.filter((l) => !afterLateLock.has(l.leg.userId));
  if (early.length > 0) out.push(insertLines(early, postingId, input, chains));
  if (input.systemLegs.length > 0) {
    out.push({
      sql: `INSERT INTO system_ledger_entries (posting_id, account, debit_amount, credit_amount) VALUES ${input.systemLegs.map(() => "(?, ?, ?, ?)").join(", ")}`,
      params: input.systemLegs.flatMap((s) => [
        postingId,
        s.account,
        dec(s.direction === "debit" ? s.amountPaise : 0),
        dec(s.direction === "credit" ? s.amountPaise : 0),
      ]),
    });
  }
  const ws = plan.wallets;
  if (ws.length > 0) {
    const cases = `CASE id ${ws.map(() => "WHEN ? THEN ?").join(" ")} END`;
    const caseParams = (pick: (w: LockedWallet) => unknown) => ws.flatMap((w) => [w.id, pick(w)]);
    out.push({
      sql: `UPDATE users SET wallet_balance = ${cases}, held_balance = ${cases}, wallet_seq = ${cases} WHERE id IN (?)`,
      params: [
        ...caseParams((w) => dec(w.balancePaise)),
        ...caseParams((w) => dec(w.heldPaise)),
        ...caseParams((w) => w.seq),
        ws.map((w) => w.id),
      ],
    });
  }
  // Early wallets' counters now; late wallets' after their lock.
  out.push(
    ...usageUpsert(
      plan.deltas.filter((d) => !lateIds.has(d.userId)),
      ctx.windows,
    ),
  );
  if (late.length > 0) {
    const vars = late.map((_, i) => lateVars(i));
    out.push({
      sql: `SET ${vars.map((x) => `${x.b} = NULL, ${x.s} = NULL, ${x.k} = NULL, ${x.h} = NULL`).join(", ")}`,
      params: [],
    });
    // A P2P recipient may have been deactivated since it was looked up: an inactive row selects nothing,
    // so the guard trips and post() re-runs the slow way, which answers NOT_FOUND (apply-legs.ts).
    const activeOnly = input.kind === "p2p" ? " AND u.is_active <> 0" : ""; // NULL is inactive, as at sign-in
    for (const [i, lw] of late.entries()) {
      const x = lateVars(i);
      out.push({
        sql:
          `SELECT u.wallet_balance, u.wallet_seq, u.kyc_status, hl.entry_hash INTO ${x.b}, ${x.s}, ${x.k}, ${x.h}` +
          ` FROM users u${HEAD_JOIN_SQL} WHERE u.id = ?${activeOnly} FOR UPDATE`,
        params: [lw.userId],
      });
    }
    // The late wallets' lines and the lines whose counterparty foreign key names one of them (with the
    // rest of their wallets' lines), in one INSERT after every late X lock is held (an FK check before
    // it would take an S lock: S→X deadlocks).
    const lines = plan.lines.filter((l) => afterLateLock.has(l.leg.userId));
    out.push(insertLines(lines, postingId, input, chains, (l) => (l.late ? refs.get(l.leg.userId) : undefined)));
    for (const [i, lw] of late.entries()) {
      const x = lateVars(i);
      out.push({
        sql: `UPDATE users SET wallet_balance = ${x.b} + CAST(? AS DECIMAL(15,2)), wallet_seq = ${x.s} + ? WHERE id = ?`,
        params: [dec(lw.creditPaise), lw.lineCount, lw.userId],
      });
    }
  }
  out.push(
    ...usageUpsert(
      plan.deltas.filter((d) => lateIds.has(d.userId)),
      ctx.windows,
    ),
  );
  return out;
}

export type LineReadBack = Map<
  string,
  { id: number; openingPaise: string; closingPaise: string; ledgerDate: string; createdAt: Date }
>;
const READ_BACK =
  "SELECT id, reference_number, opening_balance, closing_balance, DATE_FORMAT(ledger_date, '%Y-%m-%d') AS ledger_date," +
  " created_at FROM transactions WHERE posting_id = ?";

function readBack(rows: RowDataPacket[]): LineReadBack {
  return new Map(
    rows.map((r) => [
      String(r.reference_number),
      {
        id: Number(r.id),
        openingPaise: String(r.opening_balance),
        closingPaise: String(r.closing_balance),
        ledgerDate: String(r.ledger_date),
        createdAt: new Date(r.created_at),
      },
    ]),
  );
}

/** Sends the writes (+ extra statements), reads the lines back and (unless `commit` is false) commits — one round trip. */
export async function sendWrites(
  conn: PoolConnection,
  postingId: number,
  writes: Statement[],
  commit = true,
): Promise<LineReadBack> {
  if (ledgerFaults.hook) {
    // Test mode: one statement at a time, with a fault point after each write (R4).
    for (const [i, s] of writes.entries()) {
      await conn.query(s.sql, s.params);
      injectFault("after-statement", i);
    }
    const [rows] = (await conn.query(READ_BACK, [postingId])) as [RowDataPacket[], unknown];
    if (commit) await conn.query("COMMIT");
    return readBack(rows);
  }
  const sql = `${writes.map((s) => s.sql).join("; ")}; ${READ_BACK}${commit ? "; COMMIT" : ""}`;
  const [results] = (await conn.query(sql, [...writes.flatMap((s) => s.params), postingId])) as unknown as [unknown[]];
  return readBack(results[results.length - (commit ? 2 : 1)] as RowDataPacket[]);
}
