/**
 * Environment for local development: the local stack's URLs, and secrets from `.env` when present,
 * otherwise generated dev secrets (kept in `.data/dev-secrets.json`, never committed).
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

type Secrets = Record<string, string>;

function devSecrets(dataDir: string): Secrets {
  const file = join(dataDir, "dev-secrets.json");
  const existing = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Secrets) : {};
  const secrets: Secrets = {
    JWT_SECRET: randomBytes(48).toString("base64url"),
    DATA_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    BLIND_INDEX_KEY: randomBytes(32).toString("base64"),
    PHONEPE_CLIENT_SECRET: randomBytes(24).toString("hex"),
    PHONEPE_WEBHOOK_PASSWORD: randomBytes(24).toString("hex"),
    CRON_SECRET: randomBytes(24).toString("hex"),
    OTP_PEPPER: randomBytes(48).toString("base64url"),
    // Secrets already generated win, so a new variable is added to an old file without rotating the rest.
    ...existing,
  };
  if (Object.keys(secrets).length === Object.keys(existing).length) return secrets;
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

/**
 * Sets every variable lib/env needs. Where the local stack is — its database, Redis, base URLs, the
 * PhonePe simulator — and the mode always come from the stack: a DATABASE_URL exported for a migration
 * against RDS, or a `.env` copied from .env.example (NODE_ENV=production, NOTIFY_PROVIDER=msg91), must not
 * send the demo seed, with its published demo-admin password, anywhere but the local MariaDB. The rest
 * (secrets, log level, CORS) may come from `.env` or the shell.
 */
export function applyDevEnv(options: {
  dataDir: string;
  port: number;
  databaseUrl: string;
  upstashUrl: string;
  upstashToken: string;
  nodeEnv?: "development" | "test";
}): void {
  if (existsSync(".env")) process.loadEnvFile(".env");
  const base = `http://127.0.0.1:${options.port}`;
  const stack: Record<string, string> = {
    NODE_ENV: options.nodeEnv ?? "development",
    DATABASE_URL: options.databaseUrl,
    DATABASE_SSL: "false",
    UPSTASH_REDIS_REST_URL: options.upstashUrl,
    UPSTASH_REDIS_REST_TOKEN: options.upstashToken,
    PUBLIC_BASE_URL: base,
    FRONTEND_URL: `${base}/__dev/frontend`,
    PHONEPE_AUTH_BASE_URL: `${base}/__phonepe`,
    PHONEPE_PG_BASE_URL: `${base}/__phonepe`,
    PHONEPE_CLIENT_ID: "NEXASPAY_DEV",
    PHONEPE_WEBHOOK_USERNAME: "nexaspay-webhook",
    NOTIFY_PROVIDER: "dev",
  };
  const defaults: Record<string, string> = {
    LOG_PRETTY: "true",
    LOG_LEVEL: "info",
    CORS_ORIGINS: "http://localhost:5173,http://127.0.0.1:5173",
    ...devSecrets(options.dataDir),
  };
  Object.assign(process.env, stack);
  for (const [key, value] of Object.entries(defaults)) {
    if (process.env[key] === undefined || process.env[key] === "") process.env[key] = value;
  }
}
