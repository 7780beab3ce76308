// GET /api/wallet/transactions — the caller's ledger lines, newest first, keyset-paginated and filtered
import { requireUserWith } from "../../lib/auth/index.js";
import { db } from "../../lib/db/index.js";
import { json, methods } from "../../lib/http/index.js";
import { listTransactions, listTransactionsQuerySchema } from "../../lib/wallet/list-transactions.js";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = methods({
  GET: async (ctx) => {
    // The page is read alongside the session and rate-limit checks and answered only after them; a bad
    // query is parsed before anything is read, and reported after the checks (401 before 400).
    const { value } = await requireUserWith(ctx, { rateLimit: "walletReadPerUser" }, (userId) =>
      listTransactions(db, userId, ctx.searchParams(listTransactionsQuerySchema)),
    );
    return json(value, 200, { "cache-control": "no-store" });
  },
});
