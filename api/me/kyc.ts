// POST /api/me/kyc — submit PAN + Aadhaar for KYC (stored encrypted); GET — own KYC status, masked
import { clientInfo, requireUser } from "../../lib/auth/index.js";
import { db } from "../../lib/db/index.js";
import { json, methods } from "../../lib/http/index.js";
import { getKyc, kycSubmissionSchema, submitKyc } from "../../lib/kyc/index.js";
import { assertRateLimit } from "../../lib/ratelimit/index.js";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = methods({
  GET: async (ctx) => {
    const user = await requireUser(ctx, { rateLimit: "accountReadPerUser" });
    return json(await getKyc(db, user.id), 200, { "cache-control": "no-store" });
  },
  POST: async (ctx) => {
    const user = await requireUser(ctx);
    await assertRateLimit("kycSubmitPerUser", String(user.id));
    const input = await ctx.json(kycSubmissionSchema);
    return json(await submitKyc(user.id, input, clientInfo(ctx)), 202, { "cache-control": "no-store" });
  },
});
