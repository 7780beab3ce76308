// GET /api/wallet/transactions/[id] — one ledger line of the caller's wallet (another user's id → 404)
import { requireUser } from "../../../lib/auth/index.js";
import { db } from "../../../lib/db/index.js";
import { json, methods } from "../../../lib/http/index.js";
import { getTransaction, transactionIdQuerySchema } from "../../../lib/wallet/get-transaction.js";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = methods({
  GET: async (ctx) => {
    const user = await requireUser(ctx, { rateLimit: "walletReadPerUser" });
    const { id } = ctx.searchParams(transactionIdQuerySchema);
    return json({ transaction: await getTransaction(db, user.id, id) }, 200, { "cache-control": "no-store" });
  },
});
