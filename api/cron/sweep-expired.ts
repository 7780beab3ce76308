// GET /api/cron/sweep-expired — Vercel Cron (every minute): expire stale holds, drop old idempotency records
import { requireCron } from "../../lib/auth/index.js";
import { json, methods } from "../../lib/http/index.js";
import { sweepExpired } from "../../lib/maintenance/sweep-expired.js";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = methods({
  GET: async (ctx) => {
    requireCron(ctx);
    return json(await sweepExpired(), 200, { "cache-control": "no-store" });
  },
});
