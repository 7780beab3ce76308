// GET /api/admin/kyc/[userId] — a user's KYC submission, masked (admin review); POST — verify or reject it (audited)
import { clientInfo, requireUser } from "../../../lib/auth/index.js";
import { db } from "../../../lib/db/index.js";
import { json, methods } from "../../../lib/http/index.js";
import { decideKyc, getKyc, kycDecisionSchema, kycUserParamSchema } from "../../../lib/kyc/index.js";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = methods({
  GET: async (ctx) => {
    await requireUser(ctx, { roles: ["admin"], rateLimit: "adminPerUser" });
    const { userId } = ctx.searchParams(kycUserParamSchema);
    return json({ userId, ...(await getKyc(db, userId)) }, 200, { "cache-control": "no-store" });
  },
  POST: async (ctx) => {
    const admin = await requireUser(ctx, { roles: ["admin"], rateLimit: "adminPerUser" });
    const { userId } = ctx.searchParams(kycUserParamSchema);
    const input = await ctx.json(kycDecisionSchema);
    return json(await decideKyc(admin.id, userId, input, clientInfo(ctx)), 200);
  },
});
