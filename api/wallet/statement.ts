// GET /api/wallet/statement — the caller's statement for IST dates (default this month) as JSON or CSV
import { requireUser } from "../../lib/auth/index.js";
import { db } from "../../lib/db/index.js";
import { json, methods } from "../../lib/http/index.js";
import { getStatement, statementQuerySchema } from "../../lib/wallet/get-statement.js";
import { statementCsv } from "../../lib/wallet/statement-csv.js";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = methods({
  GET: async (ctx) => {
    const user = await requireUser(ctx, { rateLimit: "walletReadPerUser" });
    const { format, ...range } = ctx.searchParams(statementQuerySchema);
    const statement = await getStatement(db, user.id, range);
    if (format === "json") return json(statement, 200, { "cache-control": "no-store" });
    const csv = statementCsv(statement);
    return new Response(csv.body, {
      status: 200,
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${csv.filename}"`,
        "cache-control": "no-store",
      },
    });
  },
});
