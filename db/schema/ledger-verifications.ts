/**
 * `ledger_verifications`: one row per recorded verifier run (admin endpoint, cron). Every run is a
 * checkpoint: an incremental run checks only what arrived after an older one, so its cost follows the
 * new volume instead of the table's size; a failing run stays outstanding until a later clean run covers
 * its range (docs/ARCHITECTURE.md "Verifier"). `*_from` / `*_to` are the exclusive lower and inclusive
 * upper ids the run examined per table (`*_to` the snapshot's highest, unless a chunk limit cut it).
 */
import { sql } from "drizzle-orm";
import { bigint, boolean, index, int, mysqlEnum, mysqlTable, timestamp, varchar } from "drizzle-orm/mysql-core";

export const VERIFY_SCOPES = ["full", "incremental"] as const;
export type VerifyScope = (typeof VERIFY_SCOPES)[number];

export const ledgerVerifications = mysqlTable(
  "ledger_verifications",
  {
    id: bigint("id", { mode: "number", unsigned: true }).autoincrement().primaryKey(),
    scope: mysqlEnum("scope", VERIFY_SCOPES).notNull(),
    /** Taken once the run's snapshot is open: every id allocated later is above its watermarks. */
    startedAt: timestamp("started_at", { fsp: 3 }).notNull().default(sql`CURRENT_TIMESTAMP(3)`),
    durationMs: int("duration_ms").notNull(),
    ok: boolean("ok").notNull(),
    violationCount: int("violation_count").notNull(),
    linesFrom: int("lines_from").notNull(),
    linesTo: int("lines_to").notNull(),
    systemFrom: int("system_from").notNull(),
    systemTo: int("system_to").notNull(),
    postingsFrom: int("postings_from").notNull(),
    postingsTo: int("postings_to").notNull(),
    /**
     * The highest ids the run's snapshot saw, per table (`*_to` is lower when the chunk limit cut the
     * run); NULL on runs recorded before it was kept. Lets a cut run be the next base at once.
     */
    linesSeen: int("lines_seen"),
    systemSeen: int("system_seen"),
    postingsSeen: int("postings_seen"),
    /**
     * A failing run an admin has acknowledged (POST /api/admin/ledger/acknowledge): no longer outstanding.
     * Ledger rows are append-only, so a bad one cannot be repaired, only compensated and acknowledged.
     */
    acknowledgedAt: timestamp("acknowledged_at", { fsp: 3 }),
    acknowledgedBy: int("acknowledged_by"),
    acknowledgement: varchar("acknowledgement", { length: 500 }),
  },
  (t) => [
    index("idx_verifications_ok_started").on(t.ok, t.startedAt),
    // The incremental base is chosen by start time over all runs, clean or not.
    index("idx_verifications_started").on(t.startedAt),
  ],
);

export type LedgerVerification = typeof ledgerVerifications.$inferSelect;
