/** Response builders shared by every route, so success and error bodies have one shape. */
import type { ErrorCode, ErrorDetail } from "./errors.js";
import { ERROR_STATUS } from "./errors.js";

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}

export function noContent(headers: Record<string, string> = {}): Response {
  return new Response(null, { status: 204, headers });
}

export function errorBody(code: ErrorCode, message: string, requestId: string, details?: ErrorDetail[]) {
  return { error: { code, message, requestId, ...(details ? { details } : {}) } };
}

export function errorResponse(
  code: ErrorCode,
  message: string,
  requestId: string,
  options: { details?: ErrorDetail[]; headers?: Record<string, string> } = {},
): Response {
  return json(errorBody(code, message, requestId, options.details), ERROR_STATUS[code], {
    "x-request-id": requestId,
    ...options.headers,
  });
}
