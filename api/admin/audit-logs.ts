// GET /api/admin/audit-logs — admin listing of audit rows (filters, keyset pagination, newest first)
import { auditListQuerySchema, listAuditLogs } from "../../lib/audit/index.js";
import { requireUser } from "../../lib/auth/index.js";
import { db } from "../../lib/db/index.js";
import { json, methods } from "../../lib/http/index.js";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = methods({
  GET: async (ctx) => {
    await requireUser(ctx, { roles: ["admin"], rateLimit: "adminPerUser" });
    const filters = ctx.searchParams(auditListQuerySchema);
    return json(await listAuditLogs(db, filters), 200, { "cache-control": "no-store" });
  },
});
