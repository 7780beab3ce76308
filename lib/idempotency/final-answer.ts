/**
 * A key's final answer as both layers keep it: the Redis replay copy (`Cached`, compact JSON) and the
 * MySQL record it is rebuilt from when Redis has lost it. Replaying one is a response (success) or the
 * thrown error (business rejection); a different request under the same key is 422.
 */
import { AppError, type ErrorCode, type ErrorDetail } from "../http/errors.js";
import { json } from "../http/respond.js";
import type { IdempotencyRecord } from "./records.js";

/** Business rejections: final for their key and replayed. Anything else (503, deadlock, 500) is not recorded. */
export const FINAL_ERROR_CODES = new Set<ErrorCode>([
  "BAD_REQUEST",
  "VALIDATION_FAILED",
  "FORBIDDEN",
  "KYC_REQUIRED",
  "NOT_FOUND",
  // A state the request cannot change (e.g. "at most N paise can still be refunded"): final like any
  // business rejection, even if the state moves later — a new key is a new request.
  "CONFLICT",
  "INSUFFICIENT_FUNDS",
  "LIMIT_EXCEEDED",
]);

/** A business rejection as recorded: all the error body a replay must repeat. */
export type Rejection = { code: ErrorCode; message: string; details?: ErrorDetail[] };

/** `h` request hash, `s` status, `b` success body, `e` business rejection. */
export type Cached = { h: string; s: number; b?: unknown; e?: Rejection };

export function rejection(error: AppError): Rejection {
  const { code, message, details } = error;
  return details ? { code, message, details } : { code, message };
}

const REPLAYED = { "idempotent-replayed": "true" };

export function parseCached(raw: unknown): Cached {
  return (typeof raw === "string" ? JSON.parse(raw) : raw) as Cached;
}

const keyReused = () =>
  new AppError("IDEMPOTENCY_KEY_REUSED", "This Idempotency-Key was already used with a different request.");

/** Turns a final answer into the response (success) or the thrown error (business rejection). */
export function answer(cached: Cached, hash: string, replayed: boolean): Response {
  if (cached.h !== hash) throw keyReused();
  const headers = replayed ? REPLAYED : {};
  if (cached.e) throw new AppError(cached.e.code, cached.e.message, { headers, details: cached.e.details });
  return json(cached.b, cached.s, headers);
}

/**
 * The durable record as the final answer to the request hashed `hash`; `reload` rebuilds a success body
 * recorded by reference only. A different request gets 422 before `reload` runs: reload reads with the
 * current request's parameters (its user, its payment), which only describe the recorded effect when
 * the request is the same one.
 */
export async function fromRecord(
  record: IdempotencyRecord,
  hash: string,
  reload: ((resourceRef: string) => Promise<unknown>) | undefined,
): Promise<Cached> {
  if (record.requestHash !== hash) throw keyReused();
  const parsed = record.responseBody === null ? undefined : (JSON.parse(record.responseBody) as unknown);
  if (record.statusCode >= 400) {
    return { h: record.requestHash, s: record.statusCode, e: parsed as Rejection };
  }
  if (parsed !== undefined) return { h: record.requestHash, s: record.statusCode, b: parsed };
  if (record.resourceRef && reload) {
    return { h: record.requestHash, s: record.statusCode, b: await reload(record.resourceRef) };
  }
  throw new Error("idempotency record has neither a body nor a reloadable resource");
}
