/** Where a request comes from, for sessions and audit rows: IP, User-Agent, Vercel geolocation. */
import type { RouteContext } from "../http/route.js";

export type ClientInfo = {
  ip: string | null;
  userAgent: string | null;
  /** "City, CC" from Vercel's edge headers (set by Vercel, not the client), when present. */
  location: string | null;
  requestId: string | null;
};

function header(request: Request, name: string): string | null {
  const value = request.headers.get(name)?.trim();
  if (!value) return null;
  try {
    // Vercel URL-encodes the city (e.g. "S%C3%A3o%20Paulo").
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Reads the client's IP, User-Agent and approximate location from the route context. */
export function clientInfo(ctx: Pick<RouteContext, "ip" | "request" | "requestId">): ClientInfo {
  const city = header(ctx.request, "x-vercel-ip-city");
  const country = header(ctx.request, "x-vercel-ip-country");
  const location = [city, country].filter(Boolean).join(", ").slice(0, 120) || null;
  const userAgent = ctx.request.headers.get("user-agent")?.slice(0, 255) || null;
  return { ip: ctx.ip, userAgent, location, requestId: ctx.requestId };
}

/** A ClientInfo for scripts and tests (no request). */
export const NO_CLIENT: ClientInfo = { ip: null, userAgent: null, location: null, requestId: null };
