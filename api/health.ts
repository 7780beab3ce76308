// GET /api/health — liveness of the API and its database and Redis (503 when the database is down)
import { checkHealth } from "../lib/health/check-health.js";
import { json, methods } from "../lib/http/index.js";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = methods({
  GET: async () => {
    const report = await checkHealth();
    return json(report, report.db === "ok" ? 200 : 503, { "cache-control": "no-store" });
  },
});
