/** Reading the audit log in tests. */
import { and, eq } from "drizzle-orm";
import { auditLogs } from "../../db/schema/index.js";
import { db } from "../../lib/db/index.js";

/** The audit rows with this action about this entity, oldest first. */
export const auditRows = (action: string, entityId: number | string) =>
  db
    .select({ actor: auditLogs.actorUserId, after: auditLogs.after, requestId: auditLogs.requestId })
    .from(auditLogs)
    .where(and(eq(auditLogs.action, action), eq(auditLogs.entityId, String(entityId))))
    .orderBy(auditLogs.id);
