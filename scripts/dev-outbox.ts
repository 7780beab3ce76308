/**
 * `GET /__dev/outbox?to=&limit=` (API.md §5): every SMS and e-mail the dev notification provider
 * captured in this process, newest first. Dev server only; never deployed (not under api/).
 */
import { json } from "../lib/http/index.js";
import { readOutbox } from "../lib/notify/index.js";
import { normalizePhone } from "../lib/users/fields.js";
import type { Mount } from "./dev-server.js";

export function devOutboxMount(): Mount {
  return {
    prefix: "/__dev/outbox",
    async handle(request) {
      if (request.method !== "GET") return json({ error: { code: "METHOD_NOT_ALLOWED", message: "GET only" } }, 405);
      const url = new URL(request.url);
      const rawTo = url.searchParams.get("to")?.trim() || undefined;
      // Same spelling rules as the API: "+91 98…" and "098…" find messages sent to "98…".
      const to = rawTo && !rawTo.includes("@") ? (normalizePhone(rawTo) ?? rawTo) : rawTo?.toLowerCase();
      const limit = Math.min(Math.max(Number(url.searchParams.get("limit") ?? 50) || 50, 1), 1000);
      return json(readOutbox({ to, limit }));
    },
  };
}
