// GET /api/wallet/transactions — the caller's ledger lines, newest first, keyset-paginated and filtered
import { requireUser } from "../../lib/auth/index.js";
import { db } from "../../lib/db/index.js";
import { json, methods } from "../../lib/http/index.js";
import { listTransactions, listTransactionsQuerySchema } from "../../lib/wallet/list-transactions.js";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = methods({
  GET: async (ctx) => {
    const user = await requireUser(ctx, { rateLimit: "walletReadPerUser" });
    const query = ctx.searchParams(listTransactionsQuerySchema);
    return json(await listTransactions(db, user.id, query), 200, { "cache-control": "no-store" });
  },
});
