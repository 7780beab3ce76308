/**
 * The Upstash Redis REST client, one per instance. Redis holds fast, disposable state only (rate-limit
 * windows, idempotency in-flight locks and replay cache, token caches); MySQL stays the source of truth.
 */
import { Redis } from "@upstash/redis";
import { env } from "./env.js";

export const redis = new Redis({
  url: env.UPSTASH_REDIS_REST_URL,
  token: env.UPSTASH_REDIS_REST_TOKEN,
  // One quick retry: callers with fail-closed policies must learn fast that Redis is down.
  retry: { retries: 1, backoff: () => 50 },
  enableTelemetry: false,
  // Everything this API stores is UTF-8 text (JSON answers, counters, lock values), which JSON carries
  // as is: the SDK's default base64 round trip only cost CPU on every reply, here and at the server.
  responseEncoding: false,
});
