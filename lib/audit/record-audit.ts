/** Writes one audit row; pass the open transaction so the row commits (or rolls back) with the change. */
import { auditLogs } from "../../db/schema/audit-logs.js";
import type { ClientInfo } from "../auth/client-info.js";
import type { Database } from "../db/index.js";
import { sanitizeForAudit } from "./sanitize.js";

export type AuditEntry = {
  /** Null for system actors (cron, webhooks, scripts). */
  actorUserId: number | null;
  /** `<entity>.<verb>`, e.g. `kyc.submitted`, `user.login_failed`, `wallet.adjusted`. */
  action: string;
  entityType: string;
  entityId: string | number;
  before?: unknown;
  after?: unknown;
  ip?: string | null;
  userAgent?: string | null;
  requestId?: string | null;
};

/** The where-from part of an audit entry: what `clientInfo(ctx)` (lib/auth) reads from a request. */
export type AuditRequestInfo = Pick<ClientInfo, "ip" | "userAgent" | "requestId">;

/** The entry for a user acting on their own account (login, password, 2FA): actor and entity are that user. */
export function ownAccountEntry(userId: number, action: string, client: AuditRequestInfo, after?: unknown): AuditEntry {
  return {
    actorUserId: userId,
    action,
    entityType: "user",
    entityId: userId,
    after,
    ip: client.ip,
    userAgent: client.userAgent,
    requestId: client.requestId,
  };
}

const clip = (value: string | null | undefined, max: number) => (value ? value.slice(0, max) : null);

/** The row an entry becomes: clipped to the columns, snapshots through `sanitizeForAudit`. */
function auditRow(entry: AuditEntry) {
  return {
    actorUserId: entry.actorUserId,
    action: entry.action.slice(0, 100),
    entityType: entry.entityType.slice(0, 50),
    entityId: String(entry.entityId).slice(0, 64),
    before: sanitizeForAudit(entry.before),
    after: sanitizeForAudit(entry.after),
    ip: clip(entry.ip, 45),
    userAgent: clip(entry.userAgent, 255),
    requestId: clip(entry.requestId, 64),
  };
}

/**
 * Appends an audit row. Snapshots go through `sanitizeForAudit`, so callers may pass whole rows
 * without leaking hashes, tokens, OTPs, PAN or Aadhaar.
 */
export async function recordAudit(dbOrTx: Database, entry: AuditEntry): Promise<void> {
  await dbOrTx.insert(auditLogs).values(auditRow(entry));
}

const INSERT_SQL =
  "INSERT INTO audit_logs (actor_user_id, action, entity_type, entity_id, `before`, `after`, ip, user_agent, request_id)" +
  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

const json = (value: unknown) => (value === null ? null : JSON.stringify(value));

/**
 * The same insert as SQL text, for a posting that sends it in its own first round trip (a P2P
 * transfer's audit row). Fixed text, not built through drizzle per call: it rides in every transfer.
 */
export function auditStatement(entry: AuditEntry): { sql: string; params: unknown[] } {
  const r = auditRow(entry);
  const params = [r.actorUserId, r.action, r.entityType, r.entityId, json(r.before), json(r.after)];
  return { sql: INSERT_SQL, params: [...params, r.ip, r.userAgent, r.requestId] };
}
