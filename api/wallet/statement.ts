// GET /api/wallet/statement — the caller's statement for IST dates (default this month) as JSON or CSV, streamed
import { requireUser } from "../../lib/auth/index.js";
import { db } from "../../lib/db/index.js";
import { methods } from "../../lib/http/index.js";
import { planStatement, statementQuerySchema } from "../../lib/wallet/get-statement.js";
import { statementResponse } from "../../lib/wallet/statement-response.js";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = methods({
  GET: async (ctx) => {
    const user = await requireUser(ctx, { rateLimit: "walletStatementPerUser" });
    const { format, ...range } = ctx.searchParams(statementQuerySchema);
    // Range, balances and line count are fixed (and refused with a 400) before the first byte is sent.
    const plan = await planStatement(db, user.id, range);
    return statementResponse(db, plan, format, ctx.log);
  },
});
