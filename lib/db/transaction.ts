/**
 * Transactions on one pooled connection that always end: COMMIT on success, ROLLBACK on any error,
 * and a connection whose ROLLBACK failed is destroyed rather than returned to the pool. (A connection
 * returned mid-transaction would let the next request's BEGIN implicitly commit half a posting:
 * reliability-recipes R4.)
 */
import { drizzle } from "drizzle-orm/mysql2";
import type { Pool, PoolConnection } from "mysql2/promise";
import { type Database, pool } from "./client.js";
import { isRetryableDbError } from "./errors.js";

export type TransactionOptions = {
  /** Times to re-run the whole function after a deadlock or lock-wait timeout. Default 2. */
  retries?: number;
  isolation?: "READ COMMITTED" | "REPEATABLE READ";
};

export type TxContext = { tx: Database; conn: PoolConnection };

/**
 * Runs `fn` on one connection of `from`; on any error the open transaction is rolled back, and a
 * connection whose ROLLBACK fails is destroyed rather than returned to the pool.
 */
export async function onConnection<T>(from: Pool, fn: (conn: PoolConnection) => Promise<T>): Promise<T> {
  const conn = await from.getConnection();
  let broken = false;
  try {
    return await fn(conn);
  } catch (error) {
    try {
      await conn.query("ROLLBACK");
    } catch {
      broken = true;
    }
    throw error;
  } finally {
    if (broken) conn.destroy();
    else conn.release();
  }
}

function runOnce<T>(fn: (ctx: TxContext) => Promise<T>, isolation?: string): Promise<T> {
  return onConnection(pool, async (conn) => {
    if (isolation) await conn.query(`SET TRANSACTION ISOLATION LEVEL ${isolation}`);
    await conn.query("START TRANSACTION");
    const result = await fn({ tx: drizzle(conn, { mode: "default" }), conn });
    await conn.query("COMMIT");
    return result;
  });
}

/** Runs `fn` in one short transaction; retried from scratch on deadlock / lock-wait timeout. */
export async function withTransaction<T>(
  fn: (ctx: TxContext) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  const retries = options.retries ?? 2;
  for (let attempt = 0; ; attempt++) {
    try {
      return await runOnce(fn, options.isolation);
    } catch (error) {
      if (attempt >= retries || !isRetryableDbError(error)) throw error;
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * (attempt + 1)));
    }
  }
}
