/**
 * The route wrapper every `api/` function goes through: request id, strict parsing helpers, CORS,
 * one access-log line, and one error funnel. Handlers never try/catch to build error responses.
 */
import type { z } from "zod";
import { newRequestId } from "../ids.js";
import { type Logger, logger } from "../log.js";
import { corsHeaders, preflightHeaders } from "./cors.js";
import { AppError } from "./errors.js";
import { clientIp, parseJsonBody, parseQuery, readIdempotencyKey } from "./parse.js";
import { toErrorResponse } from "./to-error-response.js";

export type RouteContext = {
  request: Request;
  requestId: string;
  url: URL;
  ip: string | null;
  log: Logger;
  /** Reads and validates the JSON body (400 BAD_REQUEST / VALIDATION_FAILED on failure). */
  json<T extends z.ZodType>(schema: T): Promise<z.output<T>>;
  /** Validates the query string, including dynamic path segments such as `id`. */
  searchParams<T extends z.ZodType>(schema: T): z.output<T>;
  /** The required `Idempotency-Key` header of a money-moving POST. */
  idempotencyKey(): string;
  /** Adds fields (e.g. `userId`) to this request's access-log line. */
  annotate(fields: Record<string, unknown>): void;
};

export type Handler = (ctx: RouteContext) => Promise<Response> | Response;
export type WebHandler = (request: Request) => Promise<Response>;

/** Paths polled by monitors: their access lines go to debug so they do not drown the log. */
const QUIET_ACCESS_LOG = new Set(["/api/health"]);

/** Wraps one method's handler into a Web handler `(request: Request) => Promise<Response>`. */
export function route(handler: Handler): WebHandler {
  return async (request) => {
    const started = performance.now();
    const requestId = newRequestId();
    const url = new URL(request.url);
    const log = logger.child({ requestId });
    const fields: Record<string, unknown> = {};
    const ctx: RouteContext = {
      request,
      requestId,
      url,
      ip: clientIp(request),
      log,
      json: (schema) => parseJsonBody(request, schema),
      searchParams: (schema) => parseQuery(url, schema),
      idempotencyKey: () => readIdempotencyKey(request),
      annotate: (more) => Object.assign(fields, more),
    };
    let response: Response;
    try {
      response = await handler(ctx);
    } catch (error) {
      response = toErrorResponse(error, requestId, log);
    }
    response.headers.set("x-request-id", requestId);
    for (const [name, value] of Object.entries(corsHeaders(request))) response.headers.set(name, value);
    const entry = {
      method: request.method,
      path: url.pathname,
      status: response.status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      ...fields,
    };
    if (response.status >= 500) log.error(entry, "request failed");
    else if (QUIET_ACCESS_LOG.has(url.pathname)) log.debug(entry, "request");
    else log.info(entry, "request");
    return response;
  };
}

const ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] as const;
type Method = (typeof ALL_METHODS)[number];
type HandledMethod = Exclude<Method, "HEAD" | "OPTIONS">;

/**
 * Builds every method export of a function file: the given handlers, HEAD wherever there is a GET (its
 * status and headers without the body, RFC 9110 §9.3.2 — what uptime monitors send), OPTIONS (CORS
 * preflight) and a JSON 405 with `Allow` for the rest, so Vercel and the dev server answer wrong methods
 * the same way.
 */
export function methods(handlers: Partial<Record<HandledMethod, Handler>>): Record<Method, WebHandler> {
  const handled = Object.keys(handlers) as HandledMethod[];
  const allowed = [...handled, ...(handlers.GET ? ["HEAD"] : []), "OPTIONS"];
  const allow = allowed.join(", ");
  const notAllowed = route(({ request }) => {
    throw new AppError("METHOD_NOT_ALLOWED", `${request.method} is not allowed here. Allowed: ${allow}.`, {
      headers: { allow },
    });
  });
  const result = Object.fromEntries(ALL_METHODS.map((m) => [m, notAllowed])) as Record<Method, WebHandler>;
  for (const [method, handler] of Object.entries(handlers) as [HandledMethod, Handler][]) {
    result[method] = route(handler);
  }
  // A HEAD answer never has a body, the 405 included.
  const asHead = handlers.GET ? result.GET : notAllowed;
  result.HEAD = async (request) => {
    const res = await asHead(request);
    await res.body?.cancel();
    return new Response(null, { status: res.status, headers: res.headers });
  };
  result.OPTIONS = route(
    ({ request }) => new Response(null, { status: 204, headers: preflightHeaders(request, allow) }),
  );
  return result;
}
