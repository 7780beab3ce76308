/** Enforces a named policy with @upstash/ratelimit (sliding window), throwing RATE_LIMITED with Retry-After. */
import { Ratelimit } from "@upstash/ratelimit";
import { blindIndex } from "../crypto/index.js";
import { env } from "../env.js";
import { AppError } from "../http/errors.js";
import { logger } from "../log.js";
import { redis, redisUnavailable } from "../redis.js";
import { POLICIES, type PolicyName, type RateLimitPolicy } from "./policies.js";

// One instance per policy, created on first use and kept at module scope so the ephemeral cache works.
const limiters = new Map<string, Ratelimit>();

function limiterFor(name: string, policy: RateLimitPolicy): Ratelimit {
  let limiter = limiters.get(name);
  if (!limiter) {
    limiter = new Ratelimit({
      redis,
      limiter: Ratelimit.slidingWindow(policy.limit, policy.window),
      prefix: policy.prefix,
      timeout: 1_000,
      analytics: false,
      // The in-memory block cache would make limits stick across test cases in one process.
      ephemeralCache: env.NODE_ENV === "test" ? false : new Map(),
    });
    limiters.set(name, limiter);
  }
  return limiter;
}

/**
 * What the Redis key names instead of the identifier: a keyed hash (128 bits), so phone numbers,
 * e-mail addresses and IPs never reach Upstash — a processor outside our database whose console and
 * metrics show key names — while equal identifiers still share one counter.
 */
const pseudonym = (identifier: string) => blindIndex("rateLimitKey", identifier).slice(0, 32);

// Long enough for a failing Upstash to recover before the client's next try.
const unavailable = (cause?: unknown) => redisUnavailable(5, cause);

/**
 * Counts one request against `policyName` for `identifier`. Throws RATE_LIMITED when over the limit;
 * SERVICE_UNAVAILABLE when Redis is unreachable and the policy fails closed.
 */
export async function assertRateLimit(policyName: PolicyName, identifier: string): Promise<void> {
  const policy: RateLimitPolicy = POLICIES[policyName];
  let result: Awaited<ReturnType<Ratelimit["limit"]>>;
  try {
    result = await limiterFor(policyName, policy).limit(pseudonym(identifier));
  } catch (error) {
    if (policy.failClosed) throw unavailable(error);
    logger.warn({ policy: policyName, err: error }, "rate limiter unavailable; failing open");
    return;
  }
  if (result.reason === "timeout") {
    if (policy.failClosed) throw unavailable();
    return;
  }
  if (!result.success) {
    const retryAfter = Math.max(1, Math.ceil((result.reset - Date.now()) / 1000));
    throw new AppError("RATE_LIMITED", `Too many requests; try again in ${retryAfter} s.`, {
      headers: {
        "retry-after": String(retryAfter),
        "x-ratelimit-limit": String(result.limit),
        "x-ratelimit-remaining": "0",
      },
    });
  }
}
