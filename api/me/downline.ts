// GET /api/me/downline — a distributor's own retailers (masked phones, balances, KYC status)
import { requireUser } from "../../lib/auth/index.js";
import { db } from "../../lib/db/index.js";
import { downlineQuerySchema, listDownline } from "../../lib/downline/index.js";
import { json, methods } from "../../lib/http/index.js";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = methods({
  GET: async (ctx) => {
    const user = await requireUser(ctx, { roles: ["distributor"], rateLimit: "accountReadPerUser" });
    const query = ctx.searchParams(downlineQuerySchema);
    return json(await listDownline(db, user.id, query), 200, { "cache-control": "no-store" });
  },
});
