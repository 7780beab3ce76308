// GET /api/cron/sweep-expired — Vercel Cron: drop idempotency records past retention, expire stale holds
import { requireCron } from "../../lib/auth/index.js";
import { json, methods } from "../../lib/http/index.js";
import { sweepExpired } from "../../lib/maintenance/sweep-expired.js";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = methods({
  GET: async (ctx) => {
    requireCron(ctx);
    return json(await sweepExpired(), 200, { "cache-control": "no-store" });
  },
});
