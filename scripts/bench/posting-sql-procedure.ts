/**
 * The stored procedure of `npm run bench:posting-sql`: the statements post() sends for a P2P transfer
 * (session check, recipient lookup, idempotency row, posting, sender locked with its limit counters,
 * recipient peek, balance and counter writes, both lines, the late-locked recipient, read-back, commit),
 * without the in-memory funds and limit checks between post()'s round trips. A probe, not the ledger.
 */
import type { Pool } from "mysql2/promise";
import { HEAD_JOIN_SQL, lineHashSql } from "../../lib/ledger/line-hash.js";

const LINE_COLUMNS =
  "user_id, from_account_id, to_account_id, recipient_id, transaction_type, amount, fee_amount, description, " +
  "reference_number, payment_method, status, processed_at, opening_balance, closing_balance, ledger_date, user_code, " +
  "ledger_type, remarks, debit_amount, credit_amount, ip_address, device_info, location, posting_id, wallet_seq, balance_cap, created_at, entry_hash";

const BODY = `SET v_day = DATE(UTC_TIMESTAMP() + INTERVAL 330 MINUTE);
SET v_month = DATE_FORMAT(v_day, '%Y-%m-01');
SET v_fy = MAKEDATE(YEAR(v_day) - (MONTH(v_day) < 4), 1) + INTERVAL 3 MONTH;
SELECT s.user_id INTO v_sender FROM sessions s INNER JOIN users u ON u.id = s.user_id WHERE s.id = p_session LIMIT 1;
SELECT id, user_code INTO v_rcpt, v_rcode FROM users WHERE user_code = p_code OR username = p_code LIMIT 1;
START TRANSACTION;
INSERT INTO idempotency_keys (user_id, idem_key, request_hash, status_code, response_body, resource_ref, expires_at) VALUES (v_sender, p_idem, REPEAT('a', 64), 201, NULL, p_ref, NOW() + INTERVAL 1 DAY);
INSERT INTO postings (reference, kind, limits_enforced) VALUES (p_ref, 'p2p', true);
SET v_pid = LAST_INSERT_ID();
SELECT u.wallet_balance, u.wallet_seq, u.user_code, hl.entry_hash, d.debit_amount, m.debit_amount, f.debit_amount INTO v_sbal, v_sseq, v_scode, v_shash, v_dday, v_dmonth, v_dfy FROM users u${HEAD_JOIN_SQL} LEFT JOIN wallet_limit_usage d ON d.user_id = u.id AND d.period = 'day' AND d.period_start = v_day LEFT JOIN wallet_limit_usage m ON m.user_id = u.id AND m.period = 'month' AND m.period_start = v_month LEFT JOIN wallet_limit_usage f ON f.user_id = u.id AND f.period = 'fy' AND f.period_start = v_fy WHERE u.id = v_sender FOR UPDATE;
SELECT kyc_status INTO v_rkyc FROM users WHERE id = v_rcpt;
UPDATE users SET wallet_balance = v_sbal - p_amount, wallet_seq = v_sseq + 1 WHERE id = v_sender;
INSERT INTO wallet_limit_usage (user_id, period, period_start, debit_amount, credit_amount, p2p_out_amount) VALUES (v_sender, 'day', v_day, p_amount, 0, p_amount), (v_sender, 'month', v_month, p_amount, 0, p_amount), (v_sender, 'fy', v_fy, p_amount, 0, p_amount) ON DUPLICATE KEY UPDATE debit_amount = debit_amount + VALUES(debit_amount), credit_amount = credit_amount + VALUES(credit_amount), p2p_out_amount = p2p_out_amount + VALUES(p2p_out_amount);
SELECT u.wallet_balance, u.wallet_seq, hl.entry_hash INTO v_rbal, v_rseq, v_rhash FROM users u${HEAD_JOIN_SQL} WHERE u.id = v_rcpt FOR UPDATE;
INSERT INTO transactions (${LINE_COLUMNS}) VALUES (v_sender, v_sender, v_rcpt, v_rcpt, 'transfer', p_amount, 0, NULL, CONCAT(p_ref, '-D1'), 'wallet', 'completed', NOW(), v_sbal, v_sbal - p_amount, DATE(UTC_TIMESTAMP() + INTERVAL 330 MINUTE), v_scode, 'Transfer', NULL, p_amount, 0, NULL, NULL, NULL, v_pid, v_sseq + 1, NULL, NOW(), ${lineHashSql("IFNULL(v_shash, '')")}), (v_rcpt, v_sender, v_rcpt, v_sender, 'transfer', p_amount, 0, NULL, CONCAT(p_ref, '-C1'), 'wallet', 'completed', NOW(), v_rbal, v_rbal + p_amount, DATE(UTC_TIMESTAMP() + INTERVAL 330 MINUTE), v_rcode, 'Transfer', NULL, 0, p_amount, NULL, NULL, NULL, v_pid, v_rseq + 1, '200000.00', NOW(), ${lineHashSql("IFNULL(v_rhash, '')")});
UPDATE users SET wallet_balance = v_rbal + p_amount, wallet_seq = v_rseq + 1 WHERE id = v_rcpt;
SELECT id, reference_number, opening_balance, closing_balance, created_at FROM transactions WHERE posting_id = v_pid;
COMMIT;`;

export const BENCH_TRANSFER_PROCEDURE = `CREATE PROCEDURE bench_transfer(IN p_session VARCHAR(64), IN p_code VARCHAR(100), IN p_idem VARCHAR(64), IN p_ref VARCHAR(64), IN p_amount DECIMAL(15,2))
BEGIN
  DECLARE v_sender, v_rcpt, v_pid, v_sseq, v_rseq BIGINT;
  DECLARE v_sbal, v_rbal, v_dday, v_dmonth, v_dfy DECIMAL(15,2);
  DECLARE v_day, v_month, v_fy DATE;
  DECLARE v_rkyc, v_scode, v_rcode VARCHAR(100);
  DECLARE v_shash, v_rhash CHAR(64);
${BODY}
END`;

/** The same body as one multi-statement round trip: locals become @variables, parameters literals. */
export function oneTripTransferSql(
  pool: Pool,
  args: { session: string; recipient: string; idempotencyKey: string; reference: string },
): string {
  return BODY.replace(/\bv_(\w+)/g, "@v_$1")
    .replace(/\bp_session\b/g, pool.escape(args.session))
    .replace(/\bp_code\b/g, pool.escape(args.recipient))
    .replace(/\bp_idem\b/g, pool.escape(args.idempotencyKey))
    .replace(/\bp_ref\b/g, pool.escape(args.reference))
    .replace(/\bp_amount\b/g, "1.00");
}

/**
 * The same body as server-side prepared statements that read @variables: PREPAREd once per connection,
 * then per transfer one round trip of `SET @p_… = …; START TRANSACTION; EXECUTE …; …; COMMIT`.
 * Portable to MySQL 8 (no EXECUTE … USING literals).
 */
const PREPARED = BODY.replace(/\bv_(\w+)/g, "@v_$1")
  .replace(/\bp_(session|code|idem|ref|amount)\b/g, "@p_$1")
  .split(";\n")
  .map((statement) => statement.replace(/;$/, ""))
  .map((statement, i) => ({ statement, name: /^(START TRANSACTION|COMMIT)$/.test(statement) ? null : `bench_s${i}` }));

export function preparedStatementsSql(): string {
  return PREPARED.filter((s) => s.name)
    .map((s) => `PREPARE ${s.name} FROM ${JSON.stringify(s.statement)}`)
    .join(";\n");
}

export function preparedTransferSql(
  pool: Pool,
  args: { session: string; recipient: string; idempotencyKey: string; reference: string },
): string {
  const set = `SET @p_session = ${pool.escape(args.session)}, @p_code = ${pool.escape(args.recipient)}, @p_idem = ${pool.escape(args.idempotencyKey)}, @p_ref = ${pool.escape(args.reference)}, @p_amount = 1.00`;
  return [set, ...PREPARED.map((s) => (s.name ? `EXECUTE ${s.name}` : s.statement))].join(";\n");
}

/**
 * The same transfer split in two procedures with the caller in between, like post()'s two round trips
 * (lock and read, then JavaScript checks, then write and commit): the shape that keeps the limit checks
 * in lib/limits. The transaction opened by the first CALL stays open until the second commits.
 */
const SPLIT_AT = "UPDATE users SET wallet_balance = v_sbal";
const PASSED = ["sender", "rcpt", "pid", "sbal", "sseq", "scode", "rcode", "day", "month", "fy", "shash"];
export const BENCH_LOCK_PROCEDURE = `CREATE PROCEDURE bench_transfer_lock(IN p_session VARCHAR(64), IN p_code VARCHAR(100), IN p_idem VARCHAR(64), IN p_ref VARCHAR(64))
BEGIN
  DECLARE v_sender, v_rcpt, v_pid, v_sseq BIGINT;
  DECLARE v_sbal, v_dday, v_dmonth, v_dfy DECIMAL(15,2);
  DECLARE v_day, v_month, v_fy DATE;
  DECLARE v_rkyc, v_scode, v_rcode VARCHAR(100);
  DECLARE v_shash, v_rhash CHAR(64);
${BODY.slice(0, BODY.indexOf(SPLIT_AT))}
SELECT v_sender AS sender, v_rcpt AS rcpt, v_pid AS pid, v_sbal AS sbal, v_sseq AS sseq, v_scode AS scode, v_rcode AS rcode, v_rkyc AS rkyc, v_dday AS dday, v_dmonth AS dmonth, v_dfy AS dfy, DATE_FORMAT(v_day, '%Y-%m-%d') AS day, DATE_FORMAT(v_month, '%Y-%m-%d') AS month, DATE_FORMAT(v_fy, '%Y-%m-%d') AS fy, v_shash AS shash;
END`;
export const BENCH_WRITE_PROCEDURE = `CREATE PROCEDURE bench_transfer_write(IN p_sender BIGINT, IN p_rcpt BIGINT, IN p_pid BIGINT, IN p_ref VARCHAR(64), IN p_amount DECIMAL(15,2), IN p_sbal DECIMAL(15,2), IN p_sseq BIGINT, IN p_scode VARCHAR(100), IN p_rcode VARCHAR(100), IN p_day DATE, IN p_month DATE, IN p_fy DATE, IN p_shash CHAR(64))
BEGIN
  DECLARE v_rbal DECIMAL(15,2);
  DECLARE v_rseq BIGINT;
  DECLARE v_rhash CHAR(64);
${BODY.slice(BODY.indexOf(SPLIT_AT)).replace(new RegExp(`\\bv_(${PASSED.join("|")})\\b`, "g"), "p_$1")}
END`;
/** The values the first procedure hands back, in the order the second takes them (after p_ref, p_amount). */
export const WRITE_ARGS = ["sbal", "sseq", "scode", "rcode", "day", "month", "fy", "shash"] as const;
