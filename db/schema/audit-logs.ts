/** `audit_logs`: one append-only row per state change (who, what, before/after, from where). */
import { bigint, customType, index, int, mysqlTable, varchar } from "drizzle-orm/mysql-core";
import { createdAt } from "./columns.js";

/**
 * A JSON column that reads back as a value on both engines: MariaDB stores JSON as LONGTEXT and
 * mysql2 hands it over as a string, MySQL 8 hands over the parsed value.
 */
export const jsonValue = customType<{ data: unknown; driverData: string }>({
  dataType: () => "json",
  toDriver: (value) => JSON.stringify(value),
  fromDriver: (value) => (typeof value === "string" ? JSON.parse(value) : value),
});

export const auditLogs = mysqlTable(
  "audit_logs",
  {
    id: bigint("id", { mode: "number", unsigned: true }).autoincrement().primaryKey(),
    /** Null for system actors (cron, webhooks, scripts). No FK: audit rows must outlive anything they name. */
    actorUserId: int("actor_user_id"),
    action: varchar("action", { length: 100 }).notNull(),
    entityType: varchar("entity_type", { length: 50 }).notNull(),
    entityId: varchar("entity_id", { length: 64 }).notNull(),
    /** Sanitized snapshots (lib/audit drops secret keys before writing). */
    before: jsonValue("before"),
    after: jsonValue("after"),
    ip: varchar("ip", { length: 45 }),
    userAgent: varchar("user_agent", { length: 255 }),
    requestId: varchar("request_id", { length: 64 }),
    createdAt: createdAt().notNull(),
  },
  (t) => [
    // Every listing filter is paired with `id` so keyset pagination (id < cursor) stays an index range.
    index("idx_audit_actor").on(t.actorUserId, t.id),
    index("idx_audit_entity").on(t.entityType, t.entityId, t.id),
    index("idx_audit_action").on(t.action, t.id),
    index("idx_audit_created").on(t.createdAt),
  ],
);

export type AuditLog = typeof auditLogs.$inferSelect;
