/** Applies the committed SQL in drizzle/ with drizzle's runtime migrator (idempotent). */
import { fileURLToPath } from "node:url";
import { drizzle } from "drizzle-orm/mysql2";
import { migrate } from "drizzle-orm/mysql2/migrator";
import mysql from "mysql2/promise";

export const MIGRATIONS_FOLDER = fileURLToPath(new URL("../../drizzle", import.meta.url));

export async function applyMigrations(databaseUrl: string): Promise<void> {
  const conn = await mysql.createConnection({ uri: databaseUrl, multipleStatements: false });
  try {
    await migrate(drizzle(conn), { migrationsFolder: MIGRATIONS_FOLDER });
  } finally {
    await conn.end();
  }
}
