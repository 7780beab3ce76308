export { assertRateLimit } from "./assert-rate-limit.js";
export { POLICIES, type PolicyName, type RateLimitPolicy } from "./policies.js";
