/**
 * `idempotency_keys`: the durable record of every money-moving request's `Idempotency-Key` (API.md §0).
 * The unique (user_id, idem_key) key — not Redis — is what makes a retried posting happen exactly once:
 * the row is inserted inside the posting's own transaction, before any wallet row is locked.
 * No foreign key to `users` on purpose: an FK check would take a shared lock on the user's row that the
 * ledger then upgrades to exclusive, which deadlocks two concurrent postings of one user.
 */
import {
  bigint,
  customType,
  index,
  int,
  mysqlTable,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  varchar,
} from "drizzle-orm/mysql-core";
import { createdAt } from "./columns.js";

/**
 * Keys are case-sensitive opaque strings (printable ASCII, checked at the edge): a binary ASCII column
 * keeps "abc" and "ABC" distinct, which the table's default case-insensitive collation would not.
 */
const asciiBinary = customType<{ data: string; driverData: string; config: { length: number } }>({
  dataType: (config) => `varchar(${config?.length ?? 255}) CHARACTER SET ascii COLLATE ascii_bin`,
});

export const idempotencyKeys = mysqlTable(
  "idempotency_keys",
  {
    id: bigint("id", { mode: "number", unsigned: true }).autoincrement().primaryKey(),
    userId: int("user_id").notNull(),
    /** The client's `Idempotency-Key` header (1–255 printable ASCII characters). */
    idemKey: asciiBinary("idem_key", { length: 255 }).notNull(),
    /** SHA-256 (hex) of method + path + canonical JSON body: same key with another body → 422. */
    requestHash: asciiBinary("request_hash", { length: 64 }).notNull(),
    /** HTTP status of the final answer (2xx success or a final business rejection). */
    statusCode: smallint("status_code").notNull(),
    /** The JSON response body (errors: `{code, message}`), or NULL when `resource_ref` reproduces it. */
    responseBody: text("response_body"),
    /** What the request produced, e.g. the ledger posting reference the response is rebuilt from. */
    resourceRef: varchar("resource_ref", { length: 255 }),
    createdAt: createdAt(),
    /** Retention end (≥ 24 h after creation); `sweepExpiredIdempotencyKeys` deletes rows past it. */
    expiresAt: timestamp("expires_at").notNull(),
  },
  (t) => [
    uniqueIndex("uq_idempotency_user_key").on(t.userId, t.idemKey),
    index("idx_idempotency_expires").on(t.expiresAt),
  ],
);

export type IdempotencyKeyRow = typeof idempotencyKeys.$inferSelect;
