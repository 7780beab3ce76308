// GET /api/cron/reconcile-payments — Vercel Cron: settle stale pending PhonePe payments and refunds
import { requireCron } from "../../lib/auth/index.js";
import { json, methods } from "../../lib/http/index.js";
import { reconcilePayments } from "../../lib/payments/index.js";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = methods({
  GET: async (ctx) => {
    requireCron(ctx);
    return json(await reconcilePayments(), 200, { "cache-control": "no-store" });
  },
});
