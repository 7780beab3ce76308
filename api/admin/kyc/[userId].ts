// POST /api/admin/kyc/[userId] — admin verifies or rejects a user's pending KYC submission (audited)
import { auditRequestInfo } from "../../../lib/audit/index.js";
import { requireUser } from "../../../lib/auth/index.js";
import { json, methods } from "../../../lib/http/index.js";
import { decideKyc, kycDecisionSchema, kycUserParamSchema } from "../../../lib/kyc/index.js";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = methods({
  POST: async (ctx) => {
    const admin = await requireUser(ctx, { roles: ["admin"] });
    const { userId } = ctx.query(kycUserParamSchema);
    const input = await ctx.json(kycDecisionSchema);
    return json(await decideKyc(admin.id, userId, input, auditRequestInfo(ctx)), 200);
  },
});
