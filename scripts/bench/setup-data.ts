/**
 * Benchmark data, made fast but consistent: users by multi-row INSERT, real sessions and access tokens
 * (requireUser checks the session), wallets funded through the ledger (23 wallet legs + 1 system leg
 * per posting), and bulk ledger history generated in SQL with the same invariants the ledger keeps
 * (posting per line, gap-free wallet_seq chain, opening/closing arithmetic, balancing system leg).
 */

import { createHash, randomUUID } from "node:crypto";
import type { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from "mysql2/promise";
import { signAccessToken } from "../../lib/auth/index.js";
import { newId } from "../../lib/ids.js";
import { post } from "../../lib/ledger/index.js";
import { lineHashSql } from "../../lib/ledger/line-hash.js";
import { paise } from "../../lib/money/index.js";

const sha256Hex = (s: string) => createHash("sha256").update(s).digest("hex");

/** The columns the history generator fills in `transactions`, in its SELECT's order. */
const LINE_COLUMNS = `user_id, transaction_type, amount, fee_amount, description, reference_number, payment_method,
  status, processed_at, opening_balance, closing_balance, ledger_date, user_code, ledger_type, debit_amount,
  credit_amount, posting_id, wallet_seq, created_at, updated_at`;

export type BenchUser = { id: number; userCode: string; token: string };

/** Runs `fn` over `items` with at most `concurrency` in flight. */
export async function eachLimit<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** Inserts `count` KYC-verified customers; `tag` keeps emails, phones and codes unique per group. */
export async function createUsers(pool: Pool, count: number, tag: number): Promise<{ id: number; userCode: string }[]> {
  const out: { id: number; userCode: string }[] = [];
  for (let start = 0; start < count; start += 1000) {
    const rows: unknown[][] = [];
    for (let i = start; i < Math.min(count, start + 1000); i++) {
      const n = `${tag}${String(i).padStart(6, "0")}`;
      rows.push([`b${n}@bench.nexaspay`, `bench${n}`, `6${n.padStart(9, "0")}`, "!", `Bench User ${n}`, `NXB${n}`]);
    }
    const [res] = await pool.query<ResultSetHeader>(
      "INSERT INTO users (email, username, phone, password, full_name, user_code, role, kyc_status, phone_verified) VALUES ?",
      [rows.map((r) => [...r, "customer", "verified", 1])],
    );
    // One multi-row INSERT gets consecutive auto-increment ids (innodb_autoinc_lock_mode 1 for simple inserts).
    for (const [j, r] of rows.entries()) out.push({ id: res.insertId + j, userCode: r[5] as string });
  }
  return out;
}

/**
 * A real session row and access token per user — the same row `startSession` writes at login, inserted
 * 1,000 at a time (one fsync per batch instead of per user), so requireUser's live-session check passes.
 */
export async function openSessions(pool: Pool, users: { id: number; userCode: string }[]): Promise<BenchUser[]> {
  const out: BenchUser[] = [];
  const expires = new Date(Date.now() + 7 * 86_400_000);
  for (let start = 0; start < users.length; start += 1000) {
    const batch = users.slice(start, start + 1000).map((u) => ({ u, sessionId: newId("ses") }));
    await pool.query(
      "INSERT INTO sessions (id, user_id, refresh_token_hash, device_info, ip_address, last_used_at, expires_at) VALUES ?",
      [
        batch.map(({ u, sessionId }) => [
          sessionId,
          u.id,
          sha256Hex(randomUUID()),
          "bench",
          "127.0.0.1",
          new Date(),
          expires,
        ]),
      ],
    );
    for (const { u, sessionId } of batch) {
      const { token } = await signAccessToken({ userId: u.id, role: "customer", sessionId });
      out.push({ ...u, token });
    }
  }
  return out;
}

/** Credits every wallet through lib/ledger: 23 wallet legs and one `adjustments` leg per posting. */
export async function fundWallets(userIds: number[], amountPaise: number, runId: string): Promise<void> {
  const groups: number[][] = [];
  for (let i = 0; i < userIds.length; i += 23) groups.push(userIds.slice(i, i + 23));
  await eachLimit(
    groups.map((g, i) => ({ g, i })),
    8,
    async ({ g, i }) => {
      await post({
        reference: `BENCHFUND-${runId}-${i}`,
        kind: "adjustment",
        enforceLimits: false,
        walletLegs: g.map((userId) => ({
          userId,
          direction: "credit" as const,
          amountPaise: paise(amountPaise),
          transactionType: "deposit" as const,
          ledgerType: "TopIn" as const,
          remarks: "bench funding",
        })),
        systemLegs: [{ account: "adjustments", direction: "debit", amountPaise: paise(amountPaise * g.length) }],
      });
    },
  );
}

/**
 * `perUser` one-paisa credit lines for each of `users` (fresh wallets with consecutive ids), each line
 * its own `adjustments` posting, 10 s apart ending now. Posting ids are assigned explicitly (nothing
 * else writes during setup), so the three tables are filled by three independent INSERT … SELECT over
 * MariaDB's built-in sequence tables, in parallel on both cores, without joining back.
 *
 * The lines are hash-chained like the ledger's own (line-hash.ts), so the verifier's timing covers
 * recomputing every hash: they are built in a session's temporary copy of the table (append-only
 * triggers guard only `transactions`), hashed there by one UPDATE walking the rows in chain order, the
 * previous hash carried in a session variable, and then copied in.
 */
export async function generateHistory(
  pool: Pool,
  users: { id: number }[],
  perUser: number,
  runId: string,
): Promise<void> {
  const first = users[0]?.id ?? 0;
  if (users.some((u, i) => u.id !== first + i)) throw new Error("history users must have consecutive ids");
  const [[fresh]] = await pool.query<RowDataPacket[]>(
    "SELECT COUNT(*) AS n FROM users WHERE id BETWEEN ? AND ? AND wallet_seq = 0",
    [first, first + users.length - 1],
  );
  if (Number(fresh?.n) !== users.length) throw new Error("history users must be fresh wallets");
  const [[max]] = await pool.query<RowDataPacket[]>("SELECT COALESCE(MAX(id), 0) AS id FROM postings");
  const base = Number(max?.id);
  const from = `FROM seq_1_to_${users.length} w JOIN seq_1_to_${perUser} k`;
  const pid = `${base} + (w.seq - 1) * ${perUser} + k.seq`;
  const ts = `NOW() - INTERVAL ((${perUser} - k.seq) * 10) SECOND`;
  const bulk = async (work: string | ((conn: PoolConnection) => Promise<unknown>), params: unknown[] = []) => {
    const conn = await pool.getConnection();
    try {
      await conn.query("SET SESSION unique_checks = 0, foreign_key_checks = 0");
      await (typeof work === "string" ? conn.query(work, params) : work(conn));
    } finally {
      conn.release();
    }
  };
  await Promise.all([
    bulk(
      `INSERT INTO postings (id, reference, kind, limits_enforced)
       SELECT ${pid}, CONCAT(?, w.seq, '-', k.seq), 'adjustment', 0 ${from}`,
      [`BH${runId}-`],
    ),
    bulk(async (conn) => {
      await conn.query("CREATE TEMPORARY TABLE bench_history LIKE transactions");
      await conn.query(
        `INSERT INTO bench_history (${LINE_COLUMNS})
         SELECT u.id, 'deposit', 0.01, 0, 'Bench history', CONCAT(?, w.seq, '-', k.seq, '-C1'), 'wallet', 'completed',
           ${ts}, (k.seq - 1) / 100, k.seq / 100, DATE(${ts} + INTERVAL 330 MINUTE), u.user_code, 'TopIn', 0, 0.01,
           ${pid}, k.seq, ${ts}, ${ts}
         ${from} JOIN users u ON u.id = ${first} + w.seq - 1`,
        [`BH${runId}-`],
      );
      // Every wallet's chain starts at wallet_seq 1 (fresh wallets), so the variable needs no reset. It
      // starts as a 64-character string: the statement types a user variable from its value beforehand,
      // and an unset one would make IF() a zero-length string, cutting every carried hash to ''.
      await conn.query("SET @bench_h = REPEAT('-', 64)");
      await conn.query(
        `UPDATE bench_history SET entry_hash = (@bench_h := ${lineHashSql("IF(wallet_seq = 1, '', @bench_h)")})
         ORDER BY user_id, wallet_seq`,
      );
      await conn.query(
        `INSERT INTO transactions (${LINE_COLUMNS}, entry_hash)
         SELECT ${LINE_COLUMNS}, entry_hash FROM bench_history ORDER BY user_id, wallet_seq`,
      );
      await conn.query("DROP TEMPORARY TABLE bench_history");
    }),
    bulk(`INSERT INTO system_ledger_entries (posting_id, account, debit_amount, credit_amount)
       SELECT ${pid}, 'adjustments', 0.01, 0 ${from}`),
  ]);
  await pool.query("UPDATE users SET wallet_balance = ? / 100, wallet_seq = ? WHERE id BETWEEN ? AND ?", [
    perUser,
    perUser,
    first,
    first + users.length - 1,
  ]);
}
