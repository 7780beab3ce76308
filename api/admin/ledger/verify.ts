// GET /api/admin/ledger/verify — runs every ledger invariant check (admin) → {ok, violations, checkedAt}
import { requireUser } from "../../../lib/auth/index.js";
import { json, methods } from "../../../lib/http/index.js";
import { verifyLedger } from "../../../lib/ledger/index.js";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = methods({
  GET: async (ctx) => {
    await requireUser(ctx, { roles: ["admin"] });
    const checkedAt = new Date().toISOString();
    const { ok, violations } = await verifyLedger();
    return json({ ok, violations, checkedAt }, 200, { "cache-control": "no-store" });
  },
});
