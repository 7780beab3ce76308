// GET /api/admin/ledger/verify?scope=full|incremental — runs the ledger invariant checks (admin), records
// the run as a checkpoint → {ok, violations, checkedAt, scope, durationMs, checked: {from, to}, checkMs}
import { requireUser } from "../../../lib/auth/index.js";
import { json, methods } from "../../../lib/http/index.js";
import { runVerification, verificationView, verifyQuerySchema } from "../../../lib/ledger/index.js";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = methods({
  GET: async (ctx) => {
    await requireUser(ctx, { roles: ["admin"], rateLimit: "ledgerVerifyPerUser" });
    const { scope } = ctx.searchParams(verifyQuerySchema);
    return json(verificationView(await runVerification(scope)), 200, { "cache-control": "no-store" });
  },
});
