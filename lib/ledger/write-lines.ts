/** SQL for ledger lines: one multi-row INSERT, with late-locked wallets' balances as SQL expressions. */
import { decimalFromPaise, type Paise } from "../money/index.js";
import type { PlannedLine } from "./apply-legs.js";
import { lineHashSql } from "./line-hash.js";
import type { PostingInput } from "./types.js";

export type Statement = { sql: string; params: unknown[] };
export const dec = (n: number) => decimalFromPaise(n as Paise);
const D = "CAST(? AS DECIMAL(15,2))"; // keeps DECIMAL arithmetic exact (a bare string would become DOUBLE)

const COLUMNS = [
  "user_id",
  "from_account_id",
  "to_account_id",
  "recipient_id",
  "transaction_type",
  "amount",
  "fee_amount",
  "description",
  "reference_number",
  "payment_method",
  "status",
  "processed_at",
  "opening_balance",
  "closing_balance",
  "ledger_date",
  "user_code",
  "ledger_type",
  "remarks",
  "debit_amount",
  "credit_amount",
  "ip_address",
  "device_info",
  "location",
  "posting_id",
  "wallet_seq",
  "balance_cap",
  // Set explicitly (NOW(), as its DEFAULT would) so the hash, which must come last, can read it.
  "created_at",
  "entry_hash",
] as const;
type Column = (typeof COLUMNS)[number];
type ValueColumn = Exclude<Column, "ledger_date" | "created_at" | "entry_hash">;

/** A late wallet as the batch refers to it: its variables' index, total credit and cap (null = no guard on the cap). */
export type LateRef = { i: number; creditPaise: number; capPaise: number | null };

/** Session variables holding a late wallet's row as locked by the batch (`@lb3` balance, `@ls3` seq, `@lk3` KYC, `@lh3` last line's hash). */
export const lateVars = (i: number) => ({ b: `@lb${i}`, s: `@ls${i}`, k: `@lk${i}`, h: `@lh${i}` });

/** SQL (and its parameters) for the hash a wallet's chain has before this posting's first line of it. */
export type ChainStart = { sql: string; params: unknown[] };

/**
 * The wallets' hash chains across the batch's INSERTs: a wallet's first line starts from `start`, each
 * later one from the session variable the previous line assigned (`@e0`, `@e1`, …), so a wallet's lines
 * must be inserted in wallet_seq order (write-batch.ts keeps a wallet's lines in one INSERT).
 */
export class LineChains {
  private readonly vars = new Map<number, string>();
  constructor(private readonly start: (userId: number) => ChainStart) {}

  /** The entry_hash expression of the wallet's next line; pushes its parameters. */
  next(userId: number, params: unknown[]): string {
    const v = this.vars.get(userId);
    if (v) return `${v} := ${lineHashSql(v)}`;
    const first = `@e${this.vars.size}`;
    this.vars.set(userId, first);
    const s = this.start(userId);
    params.push(...s.params);
    return `${first} := ${lineHashSql(s.sql)}`;
  }
}

/**
 * The IST calendar date of the statement's own clock, the one NOW() gives `created_at` too: a line's date
 * and timestamp always agree, even across midnight, and both are taken under the wallet's lock, so they
 * never run backwards along a wallet's chain (the statement filters on `created_at`).
 * UTC_TIMESTAMP() ignores the session's time zone; IST has no DST.
 */
const LEDGER_DATE_SQL = "DATE(UTC_TIMESTAMP() + INTERVAL 330 MINUTE)";

function cells(l: PlannedLine, postingId: number, input: PostingInput): Record<ValueColumn, unknown> {
  const { leg } = l;
  const debit = leg.direction === "debit";
  const other = leg.counterpartyUserId ?? null;
  const ctx = input.context ?? {};
  return {
    user_id: leg.userId,
    from_account_id: debit ? leg.userId : other,
    to_account_id: debit ? other : leg.userId,
    recipient_id: other,
    transaction_type: leg.transactionType,
    amount: dec(leg.amountPaise),
    fee_amount: dec(leg.feePaise ?? 0),
    description: leg.description ?? null,
    reference_number: l.referenceNumber,
    payment_method: leg.paymentMethod ?? "wallet",
    status: "completed",
    processed_at: null,
    opening_balance: dec(l.openingPaise),
    closing_balance: dec(l.closingPaise),
    user_code: l.userCode,
    ledger_type: leg.ledgerType,
    remarks: leg.remarks ?? null,
    debit_amount: dec(debit ? leg.amountPaise : 0),
    credit_amount: dec(debit ? 0 : leg.amountPaise),
    ip_address: ctx.ip ?? null,
    device_info: ctx.deviceInfo ?? null,
    location: ctx.location ?? null,
    posting_id: postingId,
    wallet_seq: l.seq,
    balance_cap: l.balanceCapPaise === null ? null : dec(l.balanceCapPaise),
  };
}

/**
 * INSERT for `lines`. For a line of a late wallet (`lateOf`: its variables' index i and the wallet's
 * total credit in this posting), balances and seq are offsets
 * from the locked row, and `user_id` becomes a guard: when the wallet is gone, no longer full-KYC or
 * would pass its cap, it is 0 and the foreign key aborts the batch before COMMIT (post.ts then re-runs
 * the posting the slow way, which reports the precise error).
 */
export function insertLines(
  lines: PlannedLine[],
  postingId: number,
  input: PostingInput,
  chains: LineChains,
  lateOf?: (line: PlannedLine) => LateRef | undefined,
): Statement {
  const params: unknown[] = [];
  const rows = lines.map((l) => {
    const v = cells(l, postingId, input);
    const late = lateOf?.(l);
    const sql = COLUMNS.map((col) => {
      if (col === "processed_at") return "NOW()";
      if (col === "ledger_date") return LEDGER_DATE_SQL;
      if (col === "created_at") return "NOW()";
      if (col === "entry_hash") return chains.next(l.leg.userId, params);
      if (late) {
        const x = lateVars(late.i);
        if (col === "user_id") {
          if (late.capPaise === null) params.push(v.user_id);
          else params.push(dec(late.creditPaise), dec(late.capPaise), v.user_id);
          return late.capPaise === null
            ? `IF(${x.b} IS NULL, 0, ?)`
            : `IF(${x.k} = 'verified' AND ${x.b} + ${D} <= ${D}, ?, 0)`;
        }
        if (col === "opening_balance" || col === "closing_balance") {
          params.push(v[col]);
          return `${x.b} + ${D}`;
        }
        if (col === "wallet_seq") {
          params.push(v.wallet_seq);
          return `${x.s} + ?`;
        }
      }
      params.push(v[col as ValueColumn]);
      return "?";
    });
    return `(${sql.join(", ")})`;
  });
  return { sql: `INSERT INTO transactions (${COLUMNS.join(", ")}) VALUES ${rows.join(", ")}`, params };
}
