/**
 * `postings`: one row per double-entry posting (the unit `lib/ledger` commits atomically). Its wallet
 * legs are `transactions` lines (`posting_id`), its system-account legs are `system_ledger_entries`.
 * The unique `reference` is the guard against posting the same business event twice.
 */
import { boolean, int, mysqlEnum, mysqlTable, varchar } from "drizzle-orm/mysql-core";
import { createdAt } from "./columns.js";

export const POSTING_KINDS = ["p2p", "topup", "adjustment", "refund", "hold_capture", "commission", "payout"] as const;
export type PostingKind = (typeof POSTING_KINDS)[number];

export const postings = mysqlTable("postings", {
  id: int("id").autoincrement().primaryKey(),
  reference: varchar("reference", { length: 120 }).notNull().unique("uq_postings_reference"),
  kind: mysqlEnum("kind", POSTING_KINDS).notNull(),
  /** Whether KYC-tier caps and limits were enforced; the verifier checks caps only where they were. */
  limitsEnforced: boolean("limits_enforced").notNull().default(true),
  createdAt: createdAt(),
});

export type Posting = typeof postings.$inferSelect;
