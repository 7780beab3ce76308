/**
 * One mysql2 pool per function instance (module scope), sized small for serverless, registered with
 * Vercel so a suspended instance closes idle connections instead of leaking them.
 */
import { attachDatabasePool } from "@vercel/functions";
import { drizzle, type MySql2Database } from "drizzle-orm/mysql2";
import mysql from "mysql2/promise";
import { env } from "../env.js";

/** Settings every pool of this API shares (lib/ledger adds multi-statement batches on its own pool). */
export const POOL_OPTIONS = {
  uri: env.DATABASE_URL,
  connectionLimit: env.DATABASE_POOL_SIZE,
  maxIdle: env.DATABASE_POOL_SIZE,
  idleTimeout: 60_000,
  enableKeepAlive: true,
  connectTimeout: 5_000,
  // TIMESTAMP columns are read and written in UTC regardless of the server's zone.
  timezone: "Z",
  // DECIMAL arrives as an exact string; lib/money converts it to paise without a float.
  decimalNumbers: false,
  supportBigNumbers: true,
  bigNumberStrings: true,
  // No caller stack captured per query: on the transfer path that capture was ~20 % of the API's CPU
  // (bench:handler-cost, 1.56-1.59 -> 1.27 ms per transfer). A database error still carries its
  // code, errno, sqlMessage and sql, and its log line the request id and route.
  trace: false,
  ...(env.DATABASE_SSL ? { ssl: { rejectUnauthorized: true } } : {}),
} satisfies mysql.PoolOptions;

/**
 * Statements every new session runs before its first query (mysql2 queues them ahead of it); a session
 * that fails one is destroyed rather than used half set up.
 */
export function setUpSessions(p: mysql.Pool, statements: string[]): void {
  p.on("connection", (c) => {
    const core = c as unknown as { query: (sql: string, cb: (e: unknown) => void) => void; destroy: () => void };
    for (const statement of statements)
      core.query(statement, (e) => {
        if (e) core.destroy();
      });
  });
}

/**
 * Sessions run in UTC whatever the server's default zone (an Indian RDS parameter group is often
 * Asia/Kolkata): drizzle sends and reads TIMESTAMPs as UTC text, which the server interprets in the
 * session's zone, and NOW() / CURRENT_TIMESTAMP must agree with them (mysql2's `timezone` above covers
 * only its own Date conversion).
 */
export const UTC_SESSION = "SET time_zone = '+00:00'";

export const pool = mysql.createPool(POOL_OPTIONS);
setUpSessions(pool, [UTC_SESSION]);

// attachDatabasePool wants the callback pool underneath the promise wrapper; off Vercel it is a no-op.
attachDatabasePool(pool.pool);

// No relational schema: queries are explicit builders, and building drizzle's relational config for
// every per-transaction instance cost measurable CPU on the posting path.
export const db = drizzle(pool, { mode: "default" });

/** The database handle every query function takes first: the pooled client or an open transaction. */
export type Database = MySql2Database;
