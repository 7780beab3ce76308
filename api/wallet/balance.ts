// GET /api/wallet/balance — the caller's balance, held amount and available amount in paise
import { requireUserWith } from "../../lib/auth/index.js";
import { db } from "../../lib/db/index.js";
import { json, methods } from "../../lib/http/index.js";
import { getBalance } from "../../lib/wallet/get-balance.js";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = methods({
  GET: async (ctx) => {
    // The balance is read alongside the session and rate-limit checks, and answered only after them.
    const { value } = await requireUserWith(ctx, { rateLimit: "walletReadPerUser" }, (userId) =>
      getBalance(db, userId),
    );
    return json(value, 200, { "cache-control": "no-store" });
  },
});
