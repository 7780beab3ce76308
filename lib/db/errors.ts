/**
 * MySQL/MariaDB driver errors translated to the error model in one place (medusa's exception
 * formatter, by errno rather than message text). Anything not listed here is an internal error.
 */
import { AppError } from "../http/errors.js";

export const MYSQL = {
  DUP_ENTRY: 1062,
  LOCK_WAIT_TIMEOUT: 1205,
  DEADLOCK: 1213,
  NO_REFERENCED_ROW: 1452,
  ROW_IS_REFERENCED: 1451,
  DATA_TOO_LONG: 1406,
  OUT_OF_RANGE: 1264,
  TOO_MANY_CONNECTIONS: 1040,
  /** MariaDB's CHECK violation (mysql2 mislabels it ER_INNODB_AUTOEXTEND_SIZE_OUT_OF_RANGE). */
  CHECK_MARIADB: 4025,
  /** MySQL 8's ER_CHECK_CONSTRAINT_VIOLATED. */
  CHECK_MYSQL: 3819,
} as const;

const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "PROTOCOL_CONNECTION_LOST",
  "PROTOCOL_SEQUENCE_TIMEOUT",
  "ER_CON_COUNT_ERROR",
]);

type DriverError = Error & { errno?: number; code?: string; sqlState?: string; fatal?: boolean };

function asDriverError(error: unknown): DriverError | null {
  // drizzle wraps driver errors in DrizzleQueryError with the original as `cause`.
  let current: unknown = error;
  for (let depth = 0; depth < 3 && current instanceof Error; depth++) {
    const e = current as DriverError;
    if (typeof e.errno === "number" || (typeof e.code === "string" && CONNECTION_CODES.has(e.code))) return e;
    current = e.cause;
  }
  return null;
}

export function dbErrno(error: unknown): number | undefined {
  return asDriverError(error)?.errno;
}

/** True for errors after which the whole transaction can safely be run again. */
export function isRetryableDbError(error: unknown): boolean {
  const errno = dbErrno(error);
  return errno === MYSQL.DEADLOCK || errno === MYSQL.LOCK_WAIT_TIMEOUT;
}

export function isDuplicateKey(error: unknown, keyName?: string): boolean {
  const e = asDriverError(error);
  if (e?.errno !== MYSQL.DUP_ENTRY) return false;
  return keyName === undefined || e.message.includes(`'${keyName}'`) || e.message.includes(`.${keyName}'`);
}

/** Maps a driver error to an AppError, or returns null when the error is not a known driver error. */
export function mapDbError(error: unknown): AppError | null {
  const e = asDriverError(error);
  if (!e) return null;
  switch (e.errno) {
    case MYSQL.DUP_ENTRY:
      return new AppError("CONFLICT", "A record with the same unique value already exists.", { cause: error });
    case MYSQL.DEADLOCK:
    case MYSQL.LOCK_WAIT_TIMEOUT:
      return new AppError("SERVICE_UNAVAILABLE", "The request collided with a concurrent update; retry it.", {
        cause: error,
        headers: { "retry-after": "1" },
      });
    case MYSQL.CHECK_MARIADB:
    case MYSQL.CHECK_MYSQL:
      return new AppError("CONFLICT", "The change would break a data invariant and was not applied.", { cause: error });
    case MYSQL.NO_REFERENCED_ROW:
      return new AppError("NOT_FOUND", "A referenced record does not exist.", { cause: error });
    case MYSQL.ROW_IS_REFERENCED:
      return new AppError("CONFLICT", "The record is still referenced by other records.", { cause: error });
    case MYSQL.DATA_TOO_LONG:
    case MYSQL.OUT_OF_RANGE:
      return new AppError("BAD_REQUEST", "A value is too long or out of range.", { cause: error });
    case MYSQL.TOO_MANY_CONNECTIONS:
      return new AppError("SERVICE_UNAVAILABLE", "The database is busy; retry shortly.", { cause: error });
  }
  if (e.code && CONNECTION_CODES.has(e.code)) {
    return new AppError("SERVICE_UNAVAILABLE", "The database is unavailable; retry shortly.", {
      cause: error,
      headers: { "retry-after": "1" },
    });
  }
  return null;
}
