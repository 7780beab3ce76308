/**
 * Round trip B of a posting: every write plus COMMIT as one multi-statement batch, so the wallet rows
 * stay locked for a single network round trip after the checks. If any statement fails, the server
 * stops the batch before COMMIT and the caller rolls back.
 */
import type { PoolConnection, RowDataPacket } from "mysql2/promise";
import type { Windows } from "../limits/windows.js";
import { decimalFromPaise, type Paise } from "../money/index.js";
import type { PlannedLine, WalletDelta } from "./apply-legs.js";
import { injectFault, ledgerFaults } from "./faults.js";
import type { LockedWallet } from "./lock-wallets.js";
import type { PostingInput } from "./types.js";

export type Statement = { sql: string; params: unknown[] };
const dec = (n: number) => decimalFromPaise(n as Paise);

const LINE_COLUMNS =
  "user_id, from_account_id, to_account_id, recipient_id, transaction_type, amount, fee_amount, description," +
  " reference_number, payment_method, status, processed_at, opening_balance, closing_balance, ledger_date," +
  " user_code, ledger_type, remarks, debit_amount, credit_amount, ip_address, device_info, location," +
  " posting_id, wallet_seq, balance_cap";

function lineValues(l: PlannedLine, postingId: number, input: PostingInput, ledgerDate: string): unknown[] {
  const { leg } = l;
  const debit = leg.direction === "debit";
  const other = leg.counterpartyUserId ?? null;
  const ctx = input.context ?? {};
  return [
    leg.userId,
    debit ? leg.userId : other,
    debit ? other : leg.userId,
    other,
    leg.transactionType,
    dec(leg.amountPaise),
    dec(leg.feePaise ?? 0),
    leg.description ?? null,
    l.referenceNumber,
    leg.paymentMethod ?? "wallet",
    "completed",
    dec(l.openingPaise),
    dec(l.closingPaise),
    ledgerDate,
    l.userCode,
    leg.ledgerType,
    leg.remarks ?? null,
    dec(debit ? leg.amountPaise : 0),
    dec(debit ? 0 : leg.amountPaise),
    ctx.ip ?? null,
    ctx.deviceInfo ?? null,
    ctx.location ?? null,
    postingId,
    l.seq,
    l.balanceCapPaise === null ? null : dec(l.balanceCapPaise),
  ];
}

export function buildWrites(
  input: PostingInput,
  postingId: number,
  plan: { lines: PlannedLine[]; deltas: WalletDelta[]; wallets: LockedWallet[] },
  ctx: { ledgerDate: string; windows: Windows },
): Statement[] {
  const out: Statement[] = [];
  const row = `(${LINE_COLUMNS.split(",")
    .map((c) => (c.trim() === "processed_at" ? "NOW()" : "?"))
    .join(", ")})`;
  out.push({
    sql: `INSERT INTO transactions (${LINE_COLUMNS}) VALUES ${plan.lines.map(() => row).join(", ")}`,
    params: plan.lines.flatMap((l) => lineValues(l, postingId, input, ctx.ledgerDate)),
  });
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
  const usage = plan.deltas.filter((d) => d.debitPaise > 0 || d.loadPaise > 0 || d.p2pOutPaise > 0);
  if (usage.length > 0) {
    const periods = [
      ["day", ctx.windows.day],
      ["month", ctx.windows.month],
      ["fy", ctx.windows.fy],
    ] as const;
    out.push({
      sql:
        "INSERT INTO wallet_limit_usage (user_id, period, period_start, debit_amount, credit_amount, p2p_out_amount) VALUES " +
        usage.flatMap(() => periods.map(() => "(?, ?, ?, ?, ?, ?)")).join(", ") +
        " ON DUPLICATE KEY UPDATE debit_amount = debit_amount + VALUES(debit_amount)," +
        " credit_amount = credit_amount + VALUES(credit_amount), p2p_out_amount = p2p_out_amount + VALUES(p2p_out_amount)",
      params: usage.flatMap((u) =>
        periods.flatMap(([p, start]) => [u.userId, p, start, dec(u.debitPaise), dec(u.loadPaise), dec(u.p2pOutPaise)]),
      ),
    });
  }
  return out;
}

/** Sends the writes (+ extra statements), reads back the line ids and commits — one round trip. */
export async function sendWrites(
  conn: PoolConnection,
  postingId: number,
  writes: Statement[],
): Promise<Map<string, number>> {
  const readBack: Statement = {
    sql: "SELECT id, reference_number FROM transactions WHERE posting_id = ?",
    params: [postingId],
  };
  const all = [...writes, readBack];
  let rows: RowDataPacket[];
  if (ledgerFaults.hook) {
    // Test mode: one statement at a time, with a fault point after each write (R4).
    for (const [i, s] of writes.entries()) {
      await conn.query(s.sql, s.params);
      injectFault("after-statement", i);
    }
    [rows] = (await conn.query(readBack.sql, readBack.params)) as [RowDataPacket[], unknown];
    await conn.query("COMMIT");
  } else {
    const [results] = (await conn.query(
      `${all.map((s) => s.sql).join("; ")}; COMMIT`,
      all.flatMap((s) => s.params),
    )) as unknown as [unknown[]];
    rows = results[results.length - 2] as RowDataPacket[];
  }
  return new Map(rows.map((r) => [String(r.reference_number), Number(r.id)]));
}
