// GET /api/health — liveness of the API and its database and Redis (503 when the database is down)
import { checkHealth } from "../lib/health/check-health.js";
import { json, methods } from "../lib/http/index.js";
import { assertRateLimit } from "../lib/ratelimit/index.js";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = methods({
  GET: async (ctx) => {
    // Public, and each call costs a database connection and a Redis command: the per-IP ceiling.
    await assertRateLimit("apiPerIp", ctx.ip ?? "unknown");
    const report = await checkHealth();
    return json(report, report.db === "ok" ? 200 : 503, { "cache-control": "no-store" });
  },
});
