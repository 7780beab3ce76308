/** Admin listing of audit rows, newest first, keyset-paginated on `id` (stable under inserts). */
import { and, desc, eq, lt, type SQL } from "drizzle-orm";
import { z } from "zod";
import { type AuditLog, auditLogs } from "../../db/schema/audit-logs.js";
import type { Database } from "../db/index.js";
import { AppError } from "../http/errors.js";

/** Strict query schema of `GET /api/admin/audit-logs`. */
export const auditListQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(100).optional(),
  actorUserId: z.coerce.number().int().positive().optional(),
  entityType: z.string().min(1).max(50).optional(),
  entityId: z.string().min(1).max(64).optional(),
  action: z.string().min(1).max(100).optional(),
});

export type AuditListFilters = z.output<typeof auditListQuerySchema>;

export type AuditLogView = {
  id: string;
  actorUserId: number | null;
  action: string;
  entityType: string;
  entityId: string;
  before: unknown;
  after: unknown;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  createdAt: string;
};

const CURSOR_PREFIX = "al:";

function encodeCursor(id: number): string {
  return Buffer.from(`${CURSOR_PREFIX}${id}`).toString("base64url");
}

function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  const id = text.startsWith(CURSOR_PREFIX) ? Number(text.slice(CURSOR_PREFIX.length)) : Number.NaN;
  if (!Number.isSafeInteger(id) || id <= 0) {
    throw new AppError("VALIDATION_FAILED", "The cursor is not valid.", {
      details: [{ path: "cursor", message: "Invalid cursor" }],
    });
  }
  return id;
}

function toView(row: AuditLog): AuditLogView {
  return {
    id: String(row.id),
    actorUserId: row.actorUserId,
    action: row.action,
    entityType: row.entityType,
    entityId: row.entityId,
    before: row.before ?? null,
    after: row.after ?? null,
    ip: row.ip,
    userAgent: row.userAgent,
    requestId: row.requestId,
    createdAt: row.createdAt.toISOString(),
  };
}

/** Returns one page of audit rows matching the filters and the cursor of the next page (or null). */
export async function listAuditLogs(
  db: Database,
  filters: AuditListFilters,
): Promise<{ data: AuditLogView[]; nextCursor: string | null }> {
  const where: SQL[] = [];
  if (filters.cursor) where.push(lt(auditLogs.id, decodeCursor(filters.cursor)));
  if (filters.actorUserId !== undefined) where.push(eq(auditLogs.actorUserId, filters.actorUserId));
  if (filters.entityType) where.push(eq(auditLogs.entityType, filters.entityType));
  if (filters.entityId) where.push(eq(auditLogs.entityId, filters.entityId));
  if (filters.action) where.push(eq(auditLogs.action, filters.action));
  const rows = await db
    .select()
    .from(auditLogs)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditLogs.id))
    .limit(filters.limit + 1);
  const page = rows.slice(0, filters.limit);
  const last = page.at(-1);
  return { data: page.map(toView), nextCursor: rows.length > filters.limit && last ? encodeCursor(last.id) : null };
}
