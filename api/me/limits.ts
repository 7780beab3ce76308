// GET /api/me/limits — the caller's KYC tier, daily/monthly limits with usage, and maximum balance
import { requireUser } from "../../lib/auth/index.js";
import { json, methods } from "../../lib/http/index.js";
import { getLimitsSummary } from "../../lib/ledger/index.js";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = methods({
  GET: async (ctx) => {
    const user = await requireUser(ctx, { rateLimit: "walletReadPerUser" });
    return json(await getLimitsSummary(user.id), 200, { "cache-control": "no-store" });
  },
});
