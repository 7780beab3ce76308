/** The one error funnel: any thrown value becomes an API error response; 500s never leak internals. */
import { mapDbError } from "../db/errors.js";
import type { Logger } from "../log.js";
import { isAppError } from "./errors.js";
import { errorResponse } from "./respond.js";

export function toErrorResponse(error: unknown, requestId: string, log: Logger): Response {
  const known = isAppError(error) ? error : mapDbError(error);
  if (known) {
    if (known.status >= 500) log.error({ err: error }, `request ended with ${known.code}`);
    return errorResponse(known.code, known.message, requestId, { details: known.details, headers: known.headers });
  }
  log.error({ err: error }, "unhandled error");
  return errorResponse(
    "INTERNAL",
    "An internal error occurred. Quote the request id when contacting support.",
    requestId,
  );
}
