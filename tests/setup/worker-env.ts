/**
 * Runs before every test file, before anything imports lib/env: gives the file its worker's database
 * (created and migrated on first use), a free port for an in-process dev server, and test secrets.
 */

import mysql from "mysql2/promise";
import { freePort } from "../../scripts/local/free-port.js";
import { ensureDatabase } from "../../scripts/local/mariadb.js";
import { applyMigrations } from "../../scripts/local/migrate.js";

const serverUrl = process.env.TEST_MARIADB_URL;
if (!serverUrl) throw new Error("TEST_MARIADB_URL missing: tests must run through vitest's global setup");

const poolId = Number(process.env.VITEST_POOL_ID ?? "1");
const databaseUrl = await ensureDatabase(serverUrl, `app_${poolId}`);
await applyMigrations(databaseUrl);
// Workers share one Redis, whose rate-limit and idempotency keys are scoped by user id: give each
// worker's database its own id range so two workers never act as "the same" user in Redis.
const idOffset = await mysql.createConnection({ uri: databaseUrl });
await idOffset.query(`ALTER TABLE users AUTO_INCREMENT = ${poolId * 10_000_000}`);
await idOffset.end();
const port = await freePort();
const base = `http://127.0.0.1:${port}`;

Object.assign(process.env, {
  NODE_ENV: "test",
  LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "warn",
  LOG_PRETTY: "false",
  DATABASE_URL: databaseUrl,
  DATABASE_POOL_SIZE: "20",
  TEST_HTTP_PORT: String(port),
  PUBLIC_BASE_URL: base,
  FRONTEND_URL: "http://frontend.test",
  CORS_ORIGINS: "http://frontend.test",
  JWT_SECRET: "test-jwt-secret-0123456789abcdefghijklmnop",
  BCRYPT_COST: "4",
  OTP_PEPPER: "test-otp-pepper-0123456789abcdefghijklmnop",
  DATA_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
  // A retired key, so tests can prove values written before a rotation still decrypt.
  DATA_ENCRYPTION_PREVIOUS_KEYS: `dek0:${Buffer.alloc(32, 5).toString("base64")}`,
  BLIND_INDEX_KEY: Buffer.alloc(32, 9).toString("base64"),
  NOTIFY_PROVIDER: "dev",
  PHONEPE_AUTH_BASE_URL: `${base}/__phonepe`,
  PHONEPE_PG_BASE_URL: `${base}/__phonepe`,
  PHONEPE_CLIENT_ID: "NEXASPAY_TEST",
  PHONEPE_CLIENT_SECRET: "test-phonepe-client-secret",
  PHONEPE_WEBHOOK_USERNAME: "nexaspay-webhook",
  PHONEPE_WEBHOOK_PASSWORD: "test-webhook-password",
  PHONEPE_TIMEOUT_MS: "2000",
  CRON_SECRET: "test-cron-secret-0123456789",
});
