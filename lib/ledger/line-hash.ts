/**
 * The per-wallet hash chain over ledger lines (ledger-anchors §6 and §13): a line's `entry_hash` is the
 * hex SHA-256 of its wallet's previous line's hash ('' before the wallet's first hashed line) and the
 * line's own fields. Each field goes through QUOTE() (NULL stays the bare word NULL) and the parts are
 * comma-joined, so two different lines never serialise alike.
 *
 * It is SQL, written once here, because the database computes it everywhere: in the posting's INSERT
 * (a VALUES list may read the columns set before it in the same row, already converted to their types,
 * so the hash covers exactly what is stored), in the verifier (`t.` columns), in bench:posting-sql's
 * procedures and in the benchmark's history generator (a temporary copy of the table, hashed in chain
 * order). A second implementation could drift.
 *
 * What it adds to the append-only triggers (migration 0008): a line edited or removed by someone who can
 * lift them no longer matches its own hash or its successor's, unless every later hash of that wallet
 * is recomputed too; the verifier reports `line_hash`. It is not a signature: nothing here is secret.
 */

/** The fields a line's hash covers, in this order. Changing the list or the order breaks every chain. */
const HASHED_COLUMNS = [
  "user_id",
  "wallet_seq",
  "posting_id",
  "reference_number",
  "transaction_type",
  "ledger_type",
  "status",
  "amount",
  "fee_amount",
  "debit_amount",
  "credit_amount",
  "opening_balance",
  "closing_balance",
  "balance_cap",
  "ledger_date",
  "from_account_id",
  "to_account_id",
  "recipient_id",
  "user_code",
  "payment_method",
  "description",
  "remarks",
] as const;

/**
 * SQL for a line's hash. `prev` is an SQL expression for the previous hash (never NULL); `alias` prefixes
 * the line's columns (`t.`, or '' inside the INSERT's own VALUES list). The timestamp is hashed as epoch
 * seconds: UNIX_TIMESTAMP of a TIMESTAMP column does not depend on the session's time zone.
 */
export function lineHashSql(prev: string, alias = ""): string {
  const fields = HASHED_COLUMNS.map((c) => `QUOTE(${alias}${c})`);
  return `SHA2(CONCAT_WS(',', ${prev}, ${fields.join(", ")}, QUOTE(UNIX_TIMESTAMP(${alias}created_at))), 256)`;
}

/**
 * A LEFT JOIN from the wallet row `u` to its last line `hl`, whose `hl.entry_hash` the wallet's next line
 * chains from (NULL: no hashed line yet). Used in the statements that lock the wallet row.
 */
export const HEAD_JOIN_SQL = " LEFT JOIN transactions hl ON hl.user_id = u.id AND hl.wallet_seq = u.wallet_seq";
