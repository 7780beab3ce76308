/**
 * The Upstash REST transport: the SDK's `Requester` extension point on an undici connection pool,
 * instead of its default `fetch`. Why: on the transfer path, fetch's WHATWG Request, Response and
 * stream objects cost the API process about twice the CPU of all of a transfer's MySQL round trips
 * (CPU profile of `npm run bench:handler-cost`). `undici.request` is the same HTTP engine as Node's
 * fetch, without those objects.
 *
 * Kept from the SDK's HttpClient: POST of the JSON command to `<url>/<path…>` with the bearer token; the
 * read-your-writes sync token sent and updated; a network error retried `retries` times after
 * `backoffMs` (a command that ran before its connection dropped runs again: scripts are written for
 * that); a non-2xx answer becomes an `UpstashError` with the server's message (which
 * @upstash/ratelimit reads for NOSCRIPT) and the command names only; an unparsable body becomes an
 * `UpstashJSONParseError`.
 * Added: time limits, so a hung Upstash fails closed within seconds (undici's defaults are 10 s to
 * connect and 5 minutes to answer). A timed-out command is not retried: it may have run.
 */
import { errors, type Requester, type UpstashRequest, type UpstashResponse } from "@upstash/redis";
import { Pool, errors as undiciErrors } from "undici";

export type TransportOptions = { url: string; token: string; retries: number; backoffMs: number; timeoutMs: number };

/** `SET`, or `GET, EVAL` for a pipeline: what a failed request was, without its arguments. */
function commandNames(body: unknown): string {
  const commands = Array.isArray(body) && Array.isArray(body[0]) ? body : [body];
  return commands.map((c) => (Array.isArray(c) ? String(c[0]).toUpperCase() : "?")).join(", ");
}

export function upstashTransport(options: TransportOptions): Requester {
  const base = new URL(options.url);
  const pool = new Pool(base.origin, {
    connections: 32,
    connect: { timeout: options.timeoutMs },
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
  });
  const prefix = base.pathname.replace(/\/$/, "");
  const authorization = `Bearer ${options.token}`;

  const requester: Requester = {
    readYourWrites: true,
    upstashSyncToken: "",
    async request<TResult>(req: UpstashRequest): Promise<UpstashResponse<TResult>> {
      const path = [prefix, ...(req.path ?? [])].join("/") || "/";
      const body = JSON.stringify(req.body);
      const headers: Record<string, string> = {
        ...req.headers,
        authorization,
        "content-type": "application/json",
      };
      if (requester.readYourWrites) headers["upstash-sync-token"] = requester.upstashSyncToken ?? "";
      for (let attempt = 0; ; attempt++) {
        let answer: Awaited<ReturnType<Pool["request"]>>;
        try {
          answer = await pool.request({ method: "POST", path, headers, body });
        } catch (error) {
          const timedOut =
            error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError;
          if (timedOut || attempt >= options.retries) throw error;
          await new Promise((r) => setTimeout(r, options.backoffMs));
          continue;
        }
        const text = await answer.body.text();
        let parsed: UpstashResponse<TResult> & { error?: string };
        try {
          parsed = JSON.parse(text);
        } catch (cause) {
          throw new errors.UpstashJSONParseError(text, { cause });
        }
        if (answer.statusCode < 200 || answer.statusCode >= 300) {
          // The server's message first (NOSCRIPT is read from it), then only the command names: the SDK's
          // "command was: <body>" put keys and values in error logs — a cached PhonePe token, replayed
          // responses, and, pipelined, other requests' commands too.
          throw new errors.UpstashError(`${parsed.error}, command was: ${commandNames(req.body)}`);
        }
        const sync = answer.headers["upstash-sync-token"];
        if (requester.readYourWrites && typeof sync === "string") requester.upstashSyncToken = sync;
        return parsed;
      }
    },
  };
  return requester;
}
