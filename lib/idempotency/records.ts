/**
 * Queries on `idempotency_keys`, the durable half of idempotency. Each takes the db/tx first so the
 * insert can run inside the posting's own transaction (the ledger's `beforeLocks` hook).
 */
import { and, eq, isNull, lt } from "drizzle-orm";
import { idempotencyKeys } from "../../db/schema/index.js";
import { affectedRows, type Database } from "../db/index.js";

/** Keys are kept at least this long (API.md §0: ≥ 24 h). */
export const IDEMPOTENCY_RETENTION_MS = 24 * 60 * 60 * 1000;

export type IdempotencyRecord = {
  requestHash: string;
  statusCode: number;
  responseBody: string | null;
  resourceRef: string | null;
};

export type NewIdempotencyRecord = IdempotencyRecord & { userId: number; idemKey: string };

/** Inserts the record; a duplicate (user_id, idem_key) throws the driver's ER_DUP_ENTRY. */
export async function insertIdempotencyRecord(
  tx: Database,
  record: NewIdempotencyRecord,
  now = new Date(),
): Promise<void> {
  await tx.insert(idempotencyKeys).values({
    ...record,
    expiresAt: new Date(now.getTime() + IDEMPOTENCY_RETENTION_MS),
  });
}

const INSERT_SQL =
  "INSERT INTO idempotency_keys (user_id, idem_key, request_hash, status_code, response_body, resource_ref, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)";

/**
 * The same insert as SQL text, for a caller that sends it inside its own first round trip. Fixed text
 * (not built through drizzle per call: it rides in every transfer); the driver writes `expires_at`
 * in UTC, as for every Date parameter (pool `timezone: "Z"`).
 */
export function idempotencyRecordStatement(
  record: NewIdempotencyRecord,
  now = new Date(),
): { sql: string; params: unknown[] } {
  const expiresAt = new Date(now.getTime() + IDEMPOTENCY_RETENTION_MS);
  const { userId, idemKey, requestHash, statusCode, responseBody, resourceRef } = record;
  return { sql: INSERT_SQL, params: [userId, idemKey, requestHash, statusCode, responseBody, resourceRef, expiresAt] };
}

/**
 * Stores the finished answer on a record that was written before it (a route whose record precedes
 * its PhonePe call), so a replay after Redis lost its copy repeats that answer instead of rebuilding
 * it from today's state. Only a record without a body is touched.
 */
export async function completeIdempotencyRecord(
  db: Database,
  userId: number,
  idemKey: string,
  responseBody: string,
): Promise<void> {
  await db
    .update(idempotencyKeys)
    .set({ responseBody })
    .where(
      and(
        eq(idempotencyKeys.userId, userId),
        eq(idempotencyKeys.idemKey, idemKey),
        isNull(idempotencyKeys.responseBody),
      ),
    );
}

export async function findIdempotencyRecord(
  db: Database,
  userId: number,
  idemKey: string,
): Promise<IdempotencyRecord | null> {
  const [row] = await db
    .select({
      requestHash: idempotencyKeys.requestHash,
      statusCode: idempotencyKeys.statusCode,
      responseBody: idempotencyKeys.responseBody,
      resourceRef: idempotencyKeys.resourceRef,
    })
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.idemKey, idemKey)))
    .limit(1);
  return row ?? null;
}

/**
 * Deletes records past their retention, in bounded batches so a big backlog never holds long locks,
 * and at most `maxBatches` per call so a backlog (after a cron outage) is worked off over several
 * runs instead of keeping one past its time limit. Idempotent; meant for a cron route. Returns how
 * many rows were removed.
 */
export async function sweepExpiredIdempotencyKeys(
  db: Database,
  now = new Date(),
  batchSize = 5_000,
  maxBatches = 20,
): Promise<number> {
  let total = 0;
  for (let batch = 0; batch < maxBatches; batch++) {
    const deleted = affectedRows(
      await db.delete(idempotencyKeys).where(lt(idempotencyKeys.expiresAt, now)).limit(batchSize),
    );
    total += deleted;
    if (deleted < batchSize) break;
  }
  return total;
}
