export {
  findIdempotencyRecord,
  IDEMPOTENCY_RETENTION_MS,
  insertIdempotencyRecord,
  sweepExpiredIdempotencyKeys,
} from "./records.js";
export { canonicalJson, type IdempotentRequest, requestHash } from "./request-hash.js";
export {
  type IdempotencyClaim,
  type IdempotencyOptions,
  type IdempotencyScope,
  withIdempotency,
} from "./with-idempotency.js";
