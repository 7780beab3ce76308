// GET /api/wallet/balance — the caller's balance, held amount and available amount in paise
import { requireUser } from "../../lib/auth/index.js";
import { db } from "../../lib/db/index.js";
import { json, methods } from "../../lib/http/index.js";
import { getBalance } from "../../lib/wallet/get-balance.js";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = methods({
  GET: async (ctx) => {
    const user = await requireUser(ctx, { rateLimit: "walletReadPerUser" });
    return json(await getBalance(db, user.id), 200, { "cache-control": "no-store" });
  },
});
