/**
 * Exactly-once money-moving POSTs (API.md §0, reliability-recipes R5, ledger-anchors (e) 2).
 *
 * Two layers with different jobs:
 * - Redis (Upstash) is the fast path: one script call either returns the cached final answer (replay)
 *   or takes an in-flight lock (SET NX PX) so a concurrent duplicate gets 409 REQUEST_IN_PROGRESS
 *   without touching MySQL. Redis unreachable → 503 (money fails closed).
 * - MySQL `idempotency_keys` is the truth: the caller inserts the record inside its own posting
 *   transaction (`claim.record` as the ledger's `beforeLocks`), so the unique (user_id, idem_key) key
 *   aborts a duplicate before any wallet row is locked, even when the Redis lock has expired.
 */

import { randomBytes } from "node:crypto";
import { afterResponse } from "../after-response.js";
import { type Database, db, isDuplicateKey } from "../db/index.js";
import { AppError, ERROR_STATUS, type ErrorCode, isAppError } from "../http/errors.js";
import { json } from "../http/respond.js";
import { logger } from "../log.js";
import { redis } from "../redis.js";
import { evalCoalesced } from "./coalesce.js";
import {
  findIdempotencyRecord,
  type IdempotencyRecord,
  idempotencyRecordStatement,
  insertIdempotencyRecord,
} from "./records.js";
import { type IdempotentRequest, requestHash } from "./request-hash.js";

/** Business rejections: final for their key and replayed. Anything else (503, deadlock, 500) is not recorded. */
const FINAL_ERROR_CODES = new Set<ErrorCode>([
  "BAD_REQUEST",
  "VALIDATION_FAILED",
  "FORBIDDEN",
  "KYC_REQUIRED",
  "NOT_FOUND",
  "INSUFFICIENT_FUNDS",
  "LIMIT_EXCEEDED",
]);

/** How long an in-flight lock lives if its holder dies without releasing it. */
const LOCK_TTL_MS = 30_000;
/**
 * Redis keeps the replay copy for an hour — retries come within seconds or minutes — so its memory
 * stays bounded at any volume; MySQL keeps the durable record for the full retention (≥ 24 h).
 */
const REPLAY_CACHE_TTL_MS = 60 * 60 * 1000;
const REPLAYED = { "idempotent-replayed": "true" };

export type IdempotencyClaim = {
  /**
   * Inserts the durable record inside the caller's transaction — pass it as the ledger's
   * `beforeLocks`: `beforeLocks: (tx) => claim.record(tx, { status: 201, resourceRef: reference })`.
   * Give `resourceRef` (and a `reload` option) when the body is only known after commit, or `body`.
   */
  record(tx: Database, outcome: IdempotencyOutcome): Promise<void>;
  /**
   * The same record as an SQL statement, for the ledger's `leadingStatements` — it rides in the
   * posting's first round trip instead of costing its own: `leadingStatements: [claim.statement({…})]`.
   */
  statement(outcome: IdempotencyOutcome): { sql: string; params: unknown[] };
};

type IdempotencyOutcome = { status: number; resourceRef?: string; body?: unknown };

export type IdempotencyScope = { userId: number; key: string; request: IdempotentRequest };

export type IdempotencyOptions = {
  /** Rebuilds the success body from the record's `resourceRef` (when Redis lost the cached copy). */
  reload?: (resourceRef: string) => Promise<unknown>;
  /**
   * A Redis-backed check to run in the same round trip as the key lookup — pass the route's money
   * rate limit: `alongside: () => assertRateLimit("moneyPerUser", id)`. If it throws, the key is
   * released untouched and its error (RATE_LIMITED, SERVICE_UNAVAILABLE) is the answer.
   */
  alongside?: () => Promise<unknown>;
};

type Cached = { h: string; s: number; b?: unknown; e?: { code: ErrorCode; message: string } };

// One round trip: a cached final answer, else take the in-flight lock, else someone holds it.
const BEGIN = `local c = redis.call('GET', KEYS[1])
if c then return {'hit', c} end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return {'locked'} end
return {'busy'}`;
// Cache the answer and drop our lock (only ours: it may have expired and been re-taken).
const FINISH = `if ARGV[1] ~= '' then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end
if redis.call('GET', KEYS[2]) == ARGV[3] then redis.call('DEL', KEYS[2]) end
return 1`;

const unavailable = (cause: unknown) =>
  new AppError("SERVICE_UNAVAILABLE", "A required service is temporarily unavailable; retry shortly.", {
    cause,
    headers: { "retry-after": "1" },
  });

function parseCached(raw: unknown): Cached {
  return (typeof raw === "string" ? JSON.parse(raw) : raw) as Cached;
}

/** Turns a final answer into the response (success) or the thrown error (business rejection). */
function answer(cached: Cached, hash: string, replayed: boolean): Response {
  if (cached.h !== hash) {
    throw new AppError("IDEMPOTENCY_KEY_REUSED", "This Idempotency-Key was already used with a different request.");
  }
  const headers = replayed ? REPLAYED : {};
  if (cached.e) throw new AppError(cached.e.code, cached.e.message, { headers });
  return json(cached.b, cached.s, headers);
}

async function fromRecord(record: IdempotencyRecord, options: IdempotencyOptions): Promise<Cached> {
  const parsed = record.responseBody === null ? undefined : (JSON.parse(record.responseBody) as unknown);
  if (record.statusCode >= 400) {
    const e = parsed as { code: ErrorCode; message: string };
    return { h: record.requestHash, s: record.statusCode, e };
  }
  if (parsed !== undefined) return { h: record.requestHash, s: record.statusCode, b: parsed };
  if (record.resourceRef && options.reload) {
    return { h: record.requestHash, s: record.statusCode, b: await options.reload(record.resourceRef) };
  }
  throw new Error("idempotency record has neither a body nor a reloadable resource");
}

/**
 * Runs `run` at most once per (userId, key) and answers every repeat with the first final answer.
 * Same key + same request → replay with `Idempotent-Replayed: true`; different request → 422
 * IDEMPOTENCY_KEY_REUSED; first still running → 409 REQUEST_IN_PROGRESS. Business rejections (see
 * FINAL_ERROR_CODES) are recorded and replayed; transient errors are not, so a retry runs again.
 *
 * For other money-moving routes (PhonePe initiate, admin refunds): call `claim.record(tx, …)` inside
 * the transaction that makes the effect durable — that is what makes it exactly-once. If `run` never
 * calls it, the answer is recorded after `run` returns (at-most-once then rests on the Redis lock only).
 */
export async function withIdempotency(
  scope: IdempotencyScope,
  run: (claim: IdempotencyClaim) => Promise<{ status: number; body: unknown }>,
  options: IdempotencyOptions = {},
): Promise<Response> {
  const hash = requestHash(scope.request);
  const base = `idem:${scope.userId}:${requestHash({ method: "KEY", path: "", body: scope.key }).slice(0, 40)}`;
  const keys = [`${base}:res`, `${base}:lock`];
  const token = randomBytes(12).toString("hex");
  // Issued in the same tick as BEGIN, so Upstash auto-pipelining sends both in one HTTP round trip.
  const gate = options.alongside?.() ?? Promise.resolve();
  // Observed below, after BEGIN returns; without this a rejection that lands first (RATE_LIMITED) is
  // an unhandled rejection for that moment, which Node treats as fatal by default.
  gate.catch(() => {});
  let begin: unknown;
  try {
    begin = await redis.eval(BEGIN, keys, [token, String(LOCK_TTL_MS)]);
  } catch (error) {
    await gate.catch(() => {});
    throw unavailable(error);
  }
  const [state, raw] = begin as [string, unknown];
  try {
    await gate;
  } catch (error) {
    // e.g. RATE_LIMITED: give the key back untouched.
    if (state === "locked") await redis.eval(FINISH, keys, ["", "0", token]).catch(() => {});
    throw error;
  }
  if (state === "hit") return answer(parseCached(raw), hash, true);
  if (state === "busy") {
    // The holder may have finished while its cache write failed: the durable record decides.
    const record = await findIdempotencyRecord(db, scope.userId, scope.key);
    if (record) return answer(await fromRecord(record, options), hash, true);
    throw new AppError("REQUEST_IN_PROGRESS", "A request with this Idempotency-Key is still being processed.", {
      headers: { "retry-after": "1" },
    });
  }

  let released = false;
  /** `later`: off the response path, so it joins the next coalesced pipeline (one Upstash call for many). */
  const finish = async (cached: Cached | null, later = false) => {
    released = true;
    const args = [cached ? JSON.stringify(cached) : "", String(REPLAY_CACHE_TTL_MS), token];
    try {
      await (later ? evalCoalesced(FINISH, keys, args) : redis.eval(FINISH, keys, args));
    } catch (error) {
      // The durable record already holds the answer; the lock simply expires.
      logger.warn({ err: error }, "idempotency: could not update Redis after the request");
    }
  };

  let recorded = false;
  const toRecord = (outcome: IdempotencyOutcome) => ({
    userId: scope.userId,
    idemKey: scope.key,
    requestHash: hash,
    statusCode: outcome.status,
    responseBody: outcome.body === undefined ? null : JSON.stringify(outcome.body),
    resourceRef: outcome.resourceRef ?? null,
  });
  const claim: IdempotencyClaim = {
    async record(tx, outcome) {
      await insertIdempotencyRecord(tx, toRecord(outcome));
      recorded = true;
    },
    statement(outcome) {
      // Committed with the posting or not at all; a failed run takes the error path below.
      recorded = true;
      return idempotencyRecordStatement(toRecord(outcome));
    },
  };

  try {
    let result: { status: number; body: unknown };
    try {
      result = await run(claim);
    } catch (error) {
      if (isDuplicateKey(error, "uq_idempotency_user_key")) {
        // Another request with this key committed first (e.g. after our Redis lock had expired).
        const record = await findIdempotencyRecord(db, scope.userId, scope.key);
        if (!record) throw error;
        const cached = await fromRecord(record, options);
        await finish(cached);
        return answer(cached, hash, true);
      }
      if (!isAppError(error) || !FINAL_ERROR_CODES.has(error.code)) throw error;
      const cached: Cached = { h: hash, s: ERROR_STATUS[error.code], e: { code: error.code, message: error.message } };
      await recordAfter(scope, cached);
      await finish(cached);
      throw error;
    }
    const cached: Cached = { h: hash, s: result.status, b: result.body };
    if (!recorded) await recordAfter(scope, cached);
    // The answer is durable already; caching it must not delay the response (a retry arriving before
    // the cache is written finds the lock, then the MySQL record, and replays from there).
    afterResponse(finish(cached, true));
    return json(result.body, result.status);
  } finally {
    // Transient failure (or a bug): nothing final was recorded, so free the key for a retry.
    if (!released) await finish(null);
  }
}

/** Records an answer outside any posting (rejections, effects without a shared transaction). */
async function recordAfter(scope: IdempotencyScope, cached: Cached): Promise<void> {
  try {
    await insertIdempotencyRecord(db, {
      userId: scope.userId,
      idemKey: scope.key,
      requestHash: cached.h,
      statusCode: cached.s,
      responseBody: JSON.stringify(cached.e ?? cached.b),
      resourceRef: null,
    });
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    logger.warn({ userId: scope.userId }, "idempotency: record already present (concurrent request with one key)");
  }
}
