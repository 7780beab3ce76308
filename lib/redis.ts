/**
 * The Upstash Redis REST client, one per instance. Redis holds fast, disposable state only (rate-limit
 * windows, idempotency in-flight locks and replay cache, token caches); MySQL stays the source of truth.
 */
import { Redis, type Requester } from "@upstash/redis";
import { env } from "./env.js";
import { AppError } from "./http/errors.js";
import { upstashTransport } from "./redis-transport.js";

/**
 * The SDK switches auto-pipelining on only for the clients it builds from a URL; with our own transport
 * we ask for it here. It matters: a transfer's rate-limit check and idempotency lookup, issued in the
 * same tick, travel as one pipeline request.
 */
class AutoPipelinedRedis extends Redis {
  constructor(requester: Requester) {
    super(requester);
    // biome-ignore lint/correctness/noConstructorReturn: the SDK's own constructor returns this proxy too.
    return this.autoPipeline() as AutoPipelinedRedis;
  }
}

export const redis: Redis = new AutoPipelinedRedis(
  upstashTransport({
    url: env.UPSTASH_REDIS_REST_URL,
    token: env.UPSTASH_REDIS_REST_TOKEN,
    // One quick retry: callers with fail-closed policies must learn fast that Redis is down.
    retries: 1,
    backoffMs: 50,
    // Upstash answers in milliseconds; a request still unanswered after 3 s is treated as an outage.
    timeoutMs: 3_000,
  }),
);

/** A fail-closed use of Redis that could not reach it: 503, retry after `retryAfterSeconds`. */
export function redisUnavailable(retryAfterSeconds: number, cause?: unknown): AppError {
  return new AppError("SERVICE_UNAVAILABLE", "A required service is temporarily unavailable; retry shortly.", {
    cause,
    headers: { "retry-after": String(retryAfterSeconds) },
  });
}
