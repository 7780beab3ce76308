/**
 * The raw database ceiling: the minimal SQL transfer loop straight on mysql2, no HTTP, no auth, no
 * idempotency, no limits — lock both accounts in id order, move the amount, append two entries, commit
 * — at the same concurrency as the HTTP run, on its own two tables so the ledger is untouched.
 */
import mysql, { type RowDataPacket } from "mysql2/promise";
import type { LoadResult } from "./load.js";

export async function prepareRawTables(databaseUrl: string, accounts: number): Promise<void> {
  const conn = await mysql.createConnection({ uri: databaseUrl });
  try {
    await conn.query("DROP TABLE IF EXISTS bench_raw_entries, bench_raw_accounts");
    await conn.query("CREATE TABLE bench_raw_accounts (id INT PRIMARY KEY, balance BIGINT NOT NULL)");
    await conn.query(`CREATE TABLE bench_raw_entries (id BIGINT AUTO_INCREMENT PRIMARY KEY, account_id INT NOT NULL,
      amount BIGINT NOT NULL, balance_after BIGINT NOT NULL, created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
      KEY idx_raw_account (account_id, id))`);
    await conn.query(`INSERT INTO bench_raw_accounts SELECT seq, 100000000 FROM seq_1_to_${accounts}`);
  } finally {
    await conn.end();
  }
}

/** Closed loop of raw transfers; `pick` chooses (from, to) for each. */
export async function rawTransferLoop(opts: {
  name: string;
  databaseUrl: string;
  connections: number;
  seconds: number;
  pick: () => [number, number];
}): Promise<LoadResult> {
  const pool = mysql.createPool({ uri: opts.databaseUrl, connectionLimit: opts.connections });
  const byStatus: Record<number, number> = {};
  const latencies: number[] = [];
  let n = 0;
  const started = performance.now();
  const deadline = started + opts.seconds * 1000;
  const one = async () => {
    const [from, to] = opts.pick();
    const amount = 100;
    const conn = await pool.getConnection();
    const t0 = performance.now();
    try {
      await conn.query("START TRANSACTION");
      const [rows] = await conn.query<RowDataPacket[]>(
        "SELECT id, balance FROM bench_raw_accounts WHERE id IN (?, ?) ORDER BY id FOR UPDATE",
        [from, to],
      );
      const bal = new Map(rows.map((r) => [Number(r.id), Number(r.balance)]));
      const fromAfter = (bal.get(from) ?? 0) - amount;
      const toAfter = (bal.get(to) ?? 0) + amount;
      await conn.query("UPDATE bench_raw_accounts SET balance = CASE id WHEN ? THEN ? ELSE ? END WHERE id IN (?, ?)", [
        from,
        fromAfter,
        toAfter,
        from,
        to,
      ]);
      await conn.query(
        "INSERT INTO bench_raw_entries (account_id, amount, balance_after) VALUES (?, ?, ?), (?, ?, ?)",
        [from, -amount, fromAfter, to, amount, toAfter],
      );
      await conn.query("COMMIT");
      latencies.push(performance.now() - t0);
      byStatus[200] = (byStatus[200] ?? 0) + 1;
    } catch {
      await conn.query("ROLLBACK").catch(() => {});
      byStatus[0] = (byStatus[0] ?? 0) + 1;
    } finally {
      conn.release();
      n++;
    }
  };
  await Promise.all(
    Array.from({ length: opts.connections }, async () => {
      while (performance.now() < deadline) await one();
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await pool.end();
  latencies.sort((a, b) => a - b);
  return { name: opts.name, requests: n, seconds, byStatus, latencies };
}
