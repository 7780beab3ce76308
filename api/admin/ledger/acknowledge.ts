// POST /api/admin/ledger/acknowledge — {through, note}: acknowledge the outstanding verifier failures up to
// `through` (a failing run's checkedAt), audited → {acknowledged, outstanding}
import { clientInfo, requireUser } from "../../../lib/auth/index.js";
import { json, methods } from "../../../lib/http/index.js";
import {
  acknowledgeBodySchema,
  acknowledgeFailures,
  outstandingFailure,
  outstandingView,
} from "../../../lib/ledger/index.js";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = methods({
  POST: async (ctx) => {
    const admin = await requireUser(ctx, { roles: ["admin"], rateLimit: "adminPerUser" });
    const body = await ctx.json(acknowledgeBodySchema);
    const acknowledged = await acknowledgeFailures(admin.id, body, clientInfo(ctx));
    const outstanding = await outstandingFailure();
    return json({ acknowledged, outstanding: outstandingView(outstanding) }, 200, { "cache-control": "no-store" });
  },
});
