// POST /api/auth/2fa/enable — turn 2FA on with a code from the authenticator app
import { z } from "zod";
import { clientInfo, enableTwoFactor, requireUser } from "../../../lib/auth/index.js";
import { json, methods } from "../../../lib/http/index.js";
import { assertRateLimit } from "../../../lib/ratelimit/index.js";

const bodySchema = z.strictObject({ code: z.string().regex(/^\d{6}$/, "must be 6 digits") });

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = methods({
  POST: async (ctx) => {
    const user = await requireUser(ctx);
    await assertRateLimit("accountSecurityPerUser", String(user.id));
    const { code } = await ctx.json(bodySchema);
    return json(await enableTwoFactor(user.id, code, clientInfo(ctx)));
  },
});
