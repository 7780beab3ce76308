// GET /api/cron/reconcile-payments — Vercel Cron: settle stale pending PhonePe payments and refunds
import { createHash, timingSafeEqual } from "node:crypto";
import { env } from "../../lib/env.js";
import { AppError, json, methods } from "../../lib/http/index.js";
import { reconcilePayments } from "../../lib/payments/index.js";

/** Constant-time check of `Authorization: Bearer <CRON_SECRET>` (hashed first: equal-length buffers). */
function isCron(header: string | null): boolean {
  const digest = (v: string) => createHash("sha256").update(v).digest();
  return header !== null && timingSafeEqual(digest(header), digest(`Bearer ${env.CRON_SECRET}`));
}

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = methods({
  GET: async (ctx) => {
    if (!isCron(ctx.request.headers.get("authorization"))) throw new AppError("UNAUTHORIZED", "Cron secret required.");
    return json(await reconcilePayments(), 200, { "cache-control": "no-store" });
  },
});
