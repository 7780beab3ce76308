/** Admin listing of audit rows, newest first, keyset-paginated on `id` (stable under inserts). */
import { and, desc, eq, lt, type SQL } from "drizzle-orm";
import { z } from "zod";
import { type AuditLog, auditLogs } from "../../db/schema/audit-logs.js";
import type { Database } from "../db/index.js";
import { cursorSchema, keysetCursor, pageLimitSchema, toPage } from "../http/pagination.js";

/** Strict query schema of `GET /api/admin/audit-logs`. */
export const auditListQuerySchema = z.strictObject({
  limit: pageLimitSchema,
  cursor: cursorSchema.optional(),
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

const cursor = keysetCursor("al:");

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
  if (filters.cursor) where.push(lt(auditLogs.id, cursor.decode(filters.cursor)));
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
  return toPage(rows, filters.limit, cursor, (r) => r.id, toView);
}
