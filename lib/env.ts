/**
 * The only module that reads `process.env`. Every variable is validated once, at import, and a bad
 * configuration fails the cold start loudly instead of limping along with `|| ""` defaults.
 * Each variable is documented in `.env.example`.
 */
import { z } from "zod";

const base64Key = (bytes: number) =>
  z.string().refine((v) => Buffer.from(v, "base64").length >= bytes, `must be base64 of at least ${bytes} bytes`);
const csv = z
  .string()
  .default("")
  .transform((v) =>
    v
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  );
const flag = z.stringbool().default(false);

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  APP_VERSION: z.string().default("0.1.0"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  LOG_PRETTY: flag,

  DATABASE_URL: z.url().refine((u) => u.startsWith("mysql://"), "must be a mysql:// URL"),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(5),
  DATABASE_SSL: flag,

  UPSTASH_REDIS_REST_URL: z.url(),
  UPSTASH_REDIS_REST_TOKEN: z.string().min(1),

  PUBLIC_BASE_URL: z.url(),
  FRONTEND_URL: z.url(),
  CORS_ORIGINS: csv,

  JWT_SECRET: z.string().min(32),
  JWT_KEY_ID: z.string().min(1).default("k1"),
  JWT_PREVIOUS_SECRET: z.string().min(32).optional(),
  JWT_PREVIOUS_KEY_ID: z.string().min(1).optional(),
  JWT_ISSUER: z.string().min(1).default("nexaspay-api"),
  JWT_AUDIENCE: z.string().min(1).default("nexaspay-app"),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(3600).default(900),
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(90).default(30),
  BCRYPT_COST: z.coerce.number().int().min(4).max(15).default(12),
  OTP_PEPPER: z.string().min(32),

  DATA_ENCRYPTION_KEY: base64Key(32),
  DATA_ENCRYPTION_KEY_ID: z.string().min(1).default("dek1"),
  /** Retired data keys still needed to decrypt old values after a rotation: `id:base64,id:base64`. */
  // Parsed here, once, into [{ id, key }] (the first 32 bytes of each base64 key).
  DATA_ENCRYPTION_PREVIOUS_KEYS: csv.pipe(
    z.array(
      z
        .string()
        .regex(/^[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/=]+$/, "must be comma-separated keyId:base64key entries")
        .transform((entry) => {
          const [id = "", base64 = ""] = entry.split(":");
          return { id, key: Buffer.from(base64, "base64") };
        })
        .refine(({ key }) => key.length >= 32, "each retired key must be at least 32 bytes")
        .transform(({ id, key }) => ({ id, key: key.subarray(0, 32) })),
    ),
  ),
  BLIND_INDEX_KEY: base64Key(32),

  NOTIFY_PROVIDER: z.enum(["dev", "msg91"]).default("dev"),
  MSG91_BASE_URL: z.url().default("https://control.msg91.com"),
  MSG91_AUTH_KEY: z.string().optional(),
  MSG91_OTP_TEMPLATE_ID: z.string().optional(),
  MSG91_EMAIL_TEMPLATE_ID: z.string().optional(),
  MSG91_EMAIL_DOMAIN: z.string().optional(),
  MSG91_EMAIL_FROM: z.string().optional(),

  PHONEPE_AUTH_BASE_URL: z.url(),
  PHONEPE_PG_BASE_URL: z.url(),
  PHONEPE_CLIENT_ID: z.string().min(1),
  PHONEPE_CLIENT_SECRET: z.string().min(1),
  PHONEPE_CLIENT_VERSION: z.string().min(1).default("1"),
  PHONEPE_WEBHOOK_USERNAME: z.string().min(1),
  PHONEPE_WEBHOOK_PASSWORD: z.string().min(1),
  PHONEPE_TIMEOUT_MS: z.coerce.number().int().min(100).max(60000).default(8000),

  CRON_SECRET: z.string().min(16),
});

/**
 * Combinations a key rotation or a deploy gets wrong silently: a retired key under the current key's id
 * replaces it in the key map (new tokens signed with the retired secret; old ciphertexts undecryptable),
 * half of a retired JWT key is ignored, and production would talk to its database in clear.
 */
const consistentEnvSchema = envSchema.superRefine((env, ctx) => {
  const problem = (path: keyof Env, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
  if ((env.JWT_PREVIOUS_SECRET === undefined) !== (env.JWT_PREVIOUS_KEY_ID === undefined))
    problem("JWT_PREVIOUS_KEY_ID", "JWT_PREVIOUS_SECRET and JWT_PREVIOUS_KEY_ID are set together or not at all");
  if (env.JWT_PREVIOUS_KEY_ID === env.JWT_KEY_ID)
    problem("JWT_PREVIOUS_KEY_ID", "must differ from JWT_KEY_ID (a rotation gives the new key a new id)");
  const retiredIds = env.DATA_ENCRYPTION_PREVIOUS_KEYS.map((k) => k.id);
  if (retiredIds.includes(env.DATA_ENCRYPTION_KEY_ID) || new Set(retiredIds).size !== retiredIds.length)
    problem("DATA_ENCRYPTION_PREVIOUS_KEYS", "key ids must be distinct and differ from DATA_ENCRYPTION_KEY_ID");
  // mysql2 also takes TLS options (`?ssl=…`) or a Unix socket (`?socketPath=…`) from the URL itself.
  const url = new URL(env.DATABASE_URL);
  const encryptedOrLocal = env.DATABASE_SSL || url.searchParams.has("ssl") || url.searchParams.has("socketPath");
  if (env.NODE_ENV === "production" && !encryptedOrLocal)
    problem("DATABASE_SSL", "must be true in production (passwords, PII and the ledger cross the network)");
});

export type Env = z.infer<typeof envSchema>;

function loadEnv(): Readonly<Env> {
  // Treat empty strings as missing (t3 `emptyStringAsUndefined`), so `FOO=` in a .env file is not a value.
  const raw = Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = consistentEnvSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new Error(`BAD_ENVIRONMENT: invalid configuration (see .env.example):\n${problems}`);
  }
  const env = parsed.data;
  if (env.NODE_ENV === "production" && env.NOTIFY_PROVIDER === "dev") {
    throw new Error("BAD_ENVIRONMENT: NOTIFY_PROVIDER=dev captures messages in memory and is not for production");
  }
  return Object.freeze(env);
}

export const env = loadEnv();
