/** CORS from configuration: only origins listed in CORS_ORIGINS get Access-Control-* headers. */
import { env } from "../env.js";

const ALLOWED_HEADERS = "Authorization, Content-Type, Idempotency-Key, X-Request-Id";
// Content-Disposition and X-Statement-Lines: the statement CSV needs a Bearer token, so a browser
// fetches it, names the saved file from the one and checks it got every line with the other, which it
// may read only when exposed.
const EXPOSED_HEADERS =
  "X-Request-Id, Idempotent-Replayed, Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, Content-Disposition, X-Statement-Lines";

function allowedOrigin(request: Request): string | null {
  const origin = request.headers.get("origin");
  if (!origin) return null;
  if (env.CORS_ORIGINS.includes("*")) return origin;
  return env.CORS_ORIGINS.includes(origin) ? origin : null;
}

export function corsHeaders(request: Request): Record<string, string> {
  const origin = allowedOrigin(request);
  if (!origin) return {};
  return { "access-control-allow-origin": origin, "access-control-expose-headers": EXPOSED_HEADERS, vary: "Origin" };
}

export function preflightHeaders(request: Request, allow: string): Record<string, string> {
  const origin = allowedOrigin(request);
  if (!origin) return { allow };
  return {
    allow,
    ...corsHeaders(request),
    "access-control-allow-methods": allow,
    "access-control-allow-headers": ALLOWED_HEADERS,
    "access-control-max-age": "600",
  };
}
