export { type AuditListFilters, type AuditLogView, auditListQuerySchema, listAuditLogs } from "./list-audit-logs.js";
export {
  type AuditEntry,
  type AuditRequestInfo,
  auditStatement,
  ownAccountEntry,
  recordAudit,
} from "./record-audit.js";
export { sanitizeForAudit } from "./sanitize.js";
