export { type AuditListFilters, type AuditLogView, auditListQuerySchema, listAuditLogs } from "./list-audit-logs.js";
export { type AuditEntry, type AuditRequestInfo, ownAccountEntry, recordAudit } from "./record-audit.js";
export { sanitizeForAudit } from "./sanitize.js";
