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
import { AppError, ERROR_STATUS, isAppError } from "../http/errors.js";
import { json } from "../http/respond.js";
import { logger } from "../log.js";
import { redisUnavailable } from "../redis.js";
import { answer, type Cached, FINAL_ERROR_CODES, fromRecord, parseCached, rejection } from "./final-answer.js";
import {
  completeIdempotencyRecord,
  findIdempotencyRecord,
  type IdempotencyRecord,
  idempotencyRecordStatement,
  insertIdempotencyRecord,
} from "./records.js";
import { beginGate, finishGate, type GateKeys, type GateState } from "./redis-gate.js";
import { type IdempotentRequest, requestHash } from "./request-hash.js";

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
  /**
   * Look for the durable record before running, when Redis has no copy. For routes whose `run` acts
   * before its claim commits (an admin refund reserves a refund row and a hold, and a repeat would meet
   * "already refunded"): one more indexed read, so the hot P2P path, whose claim rides in the posting's
   * first round trip, does without it.
   */
  recordFirst?: boolean;
  /**
   * The route commits its record before its work ends (a PhonePe call follows: top-ups, refunds). While
   * another request holds the key's lock, that record is not yet an answer — replaying it would rebuild
   * the answer by calling PhonePe beside the running request — so a repeat then gets 409.
   */
  recordedBeforeDone?: boolean;
};

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
  const keys: GateKeys = [`${base}:res`, `${base}:lock`];
  const token = randomBytes(12).toString("hex");
  // Issued in the same tick as the gate, so Upstash auto-pipelining sends both in one HTTP round trip.
  const gate = options.alongside?.() ?? Promise.resolve();
  // Observed below, after the gate answers; without this a rejection that lands first (RATE_LIMITED) is
  // an unhandled rejection for that moment, which Node treats as fatal by default.
  gate.catch(() => {});
  let state: GateState;
  try {
    state = await beginGate(keys, token);
  } catch (error) {
    await gate.catch(() => {});
    // The gate may have taken the lock before its answer was lost (a timeout is not retried): give back
    // a lock that may be ours, or every retry would meet 409 for the lock's 30 s. Off the answer's path.
    afterResponse(finishGate(keys, token, null).catch(() => {}));
    throw redisUnavailable(1, error);
  }
  try {
    await gate;
  } catch (error) {
    // e.g. RATE_LIMITED: give the key back untouched.
    if (state[0] === "locked") await finishGate(keys, token, null).catch(() => {});
    throw error;
  }
  if (state[0] === "hit") return answer(parseCached(state[1]), hash, true);
  if (state[0] === "busy") {
    // The holder may have finished while its cache write failed: the durable record decides (when the
    // record is written only with the finished effect).
    const record = options.recordedBeforeDone ? null : await findIdempotencyRecord(db, scope.userId, scope.key);
    if (record) return answer(await fromRecord(record, hash, options.reload), hash, true);
    throw new AppError("REQUEST_IN_PROGRESS", "A request with this Idempotency-Key is still being processed.", {
      headers: { "retry-after": "1" },
    });
  }

  let released = false;
  /** `later`: off the response path (see finishGate). */
  const finish = async (cached: Cached | null, later = false) => {
    released = true;
    try {
      await finishGate(keys, token, cached, later);
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

  const findRecord = () => findIdempotencyRecord(db, scope.userId, scope.key);
  /** The record a duplicate-key `error` proved exists. */
  const existingRecord = async (error: unknown) => {
    const record = await findRecord();
    if (!record) throw error;
    return record;
  };
  /**
   * The key already has a durable answer (Redis had lost its copy, or another request committed first):
   * that answer is the key's, whatever this run met. A different request gets 422 and caches nothing.
   */
  const replayDurable = async (record: IdempotencyRecord): Promise<Response> => {
    const cached = await fromRecord(record, hash, options.reload);
    // An early record answered for the first time here (its first run failed after committing it):
    // this rebuilt body is now the key's answer, kept for replays after Redis's copy is gone.
    if (options.recordedBeforeDone && record.responseBody === null && cached.b !== undefined)
      await completeRecord(scope, cached.b);
    await finish(cached);
    return answer(cached, hash, true);
  };

  try {
    const earlier = options.recordFirst ? await findRecord() : undefined;
    if (earlier) return await replayDurable(earlier);
    let result: { status: number; body: unknown };
    try {
      result = await run(claim);
    } catch (error) {
      // The posting's own record hit the unique key: another request with this key committed first.
      if (isDuplicateKey(error, "uq_idempotency_user_key")) return await replayDurable(await existingRecord(error));
      if (!isAppError(error) || !FINAL_ERROR_CODES.has(error.code)) throw error;
      // A rejection met before the posting (the route's own checks: KYC, recipient, load cap) may be a
      // retry of a request that already succeeded: it must replay that answer, not the new rejection.
      const cached: Cached = { h: hash, s: ERROR_STATUS[error.code], e: rejection(error) };
      if (!(await recordAfter(scope, cached))) return await replayDurable(await existingRecord(error));
      await finish(cached);
      throw error;
    }
    const cached: Cached = { h: hash, s: result.status, b: result.body };
    if (!recorded && !(await recordAfter(scope, cached))) {
      // Only a route that never calls claim gets here, and then the effect ran twice: say so loudly.
      logger.error({ userId: scope.userId }, "idempotency: a run without a claimed record repeated a recorded key");
    }
    // The answer is durable already; caching it must not delay the response (a retry arriving before
    // the cache is written finds the lock, then the MySQL record, and replays from there). A route whose
    // record precedes its answer would give such a retry 409 instead, so it caches before answering.
    if (options.recordedBeforeDone) {
      if (recorded) await completeRecord(scope, result.body);
      await finish(cached);
    } else afterResponse(finish(cached, true));
    return json(result.body, result.status);
  } finally {
    // Transient failure (or a bug): nothing final was recorded, so free the key for a retry.
    if (!released) await finish(null);
  }
}

/** The first answer onto its early record; on failure a replay rebuilds it by reference instead. */
async function completeRecord(scope: IdempotencyScope, body: unknown): Promise<void> {
  try {
    await completeIdempotencyRecord(db, scope.userId, scope.key, JSON.stringify(body));
  } catch (error) {
    logger.warn({ err: error }, "idempotency: could not store the answer on its record");
  }
}

/**
 * Records an answer outside any posting (rejections, effects without a shared transaction). False: the
 * key already had a record, which stays the key's answer.
 */
async function recordAfter(scope: IdempotencyScope, cached: Cached): Promise<boolean> {
  try {
    await insertIdempotencyRecord(db, {
      userId: scope.userId,
      idemKey: scope.key,
      requestHash: cached.h,
      statusCode: cached.s,
      responseBody: JSON.stringify(cached.e ?? cached.b),
      resourceRef: null,
    });
    return true;
  } catch (error) {
    if (!isDuplicateKey(error, "uq_idempotency_user_key")) throw error;
    return false;
  }
}
