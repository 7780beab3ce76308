/**
 * Typed PhonePe failures in the stripe-node style: callers branch on the class, never on message text.
 * Services convert them to `AppError("PAYMENT_PROVIDER_ERROR")` at their boundary.
 */

/** Base class: every failure of a PhonePe call. `httpStatus` is absent when no response arrived. */
export class PhonePeError extends Error {
  readonly httpStatus: number | undefined;
  /** PhonePe's `code` / `errorCode` from the error body, e.g. `MERCHANT_ORDER_MAPPING_NOT_FOUND`. */
  readonly code: string | undefined;
  readonly data: unknown;

  constructor(message: string, options: { httpStatus?: number; code?: string; data?: unknown; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.httpStatus = options.httpStatus;
    this.code = options.code;
    this.data = options.data;
  }

  /**
   * True when the request may or may not have taken effect at PhonePe (no answer, 429, 5xx): a pay or
   * refund must then be retried with the SAME merchant id or settled through the status API.
   */
  get ambiguous(): boolean {
    return false;
  }
}

/** No response: DNS/connect/reset, or our `PHONEPE_TIMEOUT_MS` abort fired. Outcome unknown. */
export class PhonePeConnectionError extends PhonePeError {
  override get ambiguous() {
    return true;
  }
}

/** 400/404/409/422…: PhonePe rejected the request (bad field, duplicate id, unknown order). Final. */
export class PhonePeInvalidRequestError extends PhonePeError {}

/** 401/403 after one token refresh: our credentials are wrong or revoked. */
export class PhonePeAuthenticationError extends PhonePeError {}

/** 429: rate limited. Retryable with backoff; outcome of a POST unknown. */
export class PhonePeRateLimitError extends PhonePeError {
  override get ambiguous() {
    return true;
  }
}

/** 5xx: PhonePe-side failure. Retryable; outcome of a POST unknown. */
export class PhonePeServerError extends PhonePeError {
  override get ambiguous() {
    return true;
  }
}

/** A 2xx whose body does not have the documented shape (missing required fields). */
export class PhonePeInvalidResponseError extends PhonePeError {}

/** The webhook's `Authorization` header does not match our configured username/password. */
export class PhonePeSignatureError extends PhonePeError {}

export const isPhonePeError = (e: unknown): e is PhonePeError => e instanceof PhonePeError;

/**
 * PhonePe's "no such order / refund" codes: the order's is documented (phonepe.md §1.4); the refund's is
 * not, and `REFUND_NOT_FOUND` is what the simulator answers. A code outside this list leaves the id's
 * fate undecided, which is the safe side: the refund stays open and held and is retried, with a warning.
 */
const NOT_FOUND_CODES: ReadonlySet<string> = new Set(["MERCHANT_ORDER_MAPPING_NOT_FOUND", "REFUND_NOT_FOUND"]);

/**
 * True only when PhonePe says it has no such order or refund. Any other 4xx proves nothing about
 * whether PhonePe knows the id, and treating it as "unknown" could fail a refund PhonePe is paying out.
 */
export const isNotFoundAtPhonePe = (e: unknown): boolean =>
  e instanceof PhonePeInvalidRequestError && e.httpStatus === 400 && NOT_FOUND_CODES.has(e.code ?? "");

/** Maps an HTTP error status to its class. */
export function errorForStatus(status: number, message: string, code?: string, data?: unknown): PhonePeError {
  const options = { httpStatus: status, code, data };
  if (status === 401 || status === 403) return new PhonePeAuthenticationError(message, options);
  if (status === 429) return new PhonePeRateLimitError(message, options);
  if (status >= 500) return new PhonePeServerError(message, options);
  return new PhonePeInvalidRequestError(message, options);
}
