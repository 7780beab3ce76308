/**
 * `sessions`: one row per login (device). The refresh token is opaque (`nxr_<sessionId>.<secret>`) and
 * only its SHA-256 is stored; rotation replaces `refresh_token_hash` with a conditional UPDATE on the
 * old hash, so concurrent refreshes with one token have exactly one winner (RFC 9700 §4.14.2).
 * No foreign key to `users` on purpose (same reason as `idempotency_keys`): the FK's shared lock on the
 * user row would deadlock with transactions that update that row.
 */
import { index, int, mysqlTable, timestamp, varchar } from "drizzle-orm/mysql-core";
import { createdAt } from "./columns.js";

export const SESSION_REVOKE_REASONS = [
  "logout",
  "user_revoked",
  "refresh_reuse",
  "password_changed",
  "password_reset",
] as const;

export const sessions = mysqlTable(
  "sessions",
  {
    /** `ses_…`, also the access token's `sid` claim. */
    id: varchar("id", { length: 40 }).primaryKey(),
    userId: int("user_id").notNull(),
    /** SHA-256 (hex) of the current refresh token; a used one is replaced on every refresh. */
    refreshTokenHash: varchar("refresh_token_hash", { length: 64 }).notNull(),
    /** User-Agent at login, truncated. */
    deviceInfo: varchar("device_info", { length: 255 }),
    ipAddress: varchar("ip_address", { length: 45 }),
    /** "City, CC" from Vercel's geolocation headers, when present. */
    location: varchar("location", { length: 120 }),
    createdAt: createdAt().notNull(),
    lastUsedAt: timestamp("last_used_at").notNull(),
    /** Sliding: every refresh pushes it REFRESH_TOKEN_TTL_DAYS ahead (inactivity expiry). */
    expiresAt: timestamp("expires_at").notNull(),
    revokedAt: timestamp("revoked_at"),
    revokeReason: varchar("revoke_reason", { length: 32 }),
  },
  (t) => [index("idx_sessions_user").on(t.userId, t.revokedAt)],
);

export type Session = typeof sessions.$inferSelect;
