/**
 * The error model of API.md §0: one table is both the closed list of codes and their HTTP statuses,
 * so adding a code without a status is a type error.
 */
export const ERROR_STATUS = {
  BAD_REQUEST: 400,
  VALIDATION_FAILED: 400,
  UNAUTHORIZED: 401,
  TOTP_REQUIRED: 401,
  FORBIDDEN: 403,
  KYC_REQUIRED: 403,
  ACCOUNT_LOCKED: 423,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  REQUEST_IN_PROGRESS: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  IDEMPOTENCY_KEY_REUSED: 422,
  INSUFFICIENT_FUNDS: 422,
  LIMIT_EXCEEDED: 422,
  OTP_INVALID: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  PAYMENT_PROVIDER_ERROR: 502,
  SERVICE_UNAVAILABLE: 503,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_STATUS;

export type ErrorDetail = { path: string; message: string };

type AppErrorOptions = {
  cause?: unknown;
  details?: ErrorDetail[];
  /** Extra response headers, e.g. `Retry-After` for RATE_LIMITED or `Allow` for METHOD_NOT_ALLOWED. */
  headers?: Record<string, string>;
};

/**
 * The one error type that ends a request with a client-visible code. Services throw it; the route
 * wrapper turns it into `{error: {code, message, requestId, details?}}`. Its message is shown to the
 * caller, so it must never carry secrets or internals.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetail[] | undefined;
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.details = options.details;
    this.headers = options.headers ?? {};
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;
