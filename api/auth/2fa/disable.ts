// POST /api/auth/2fa/disable — turn 2FA off (needs a current code and the password)
import { z } from "zod";
import { clientInfo, disableTwoFactor, requireUser } from "../../../lib/auth/index.js";
import { json, methods } from "../../../lib/http/index.js";
import { assertRateLimit } from "../../../lib/ratelimit/index.js";

const bodySchema = z.strictObject({
  code: z.string().regex(/^\d{6}$/, "must be 6 digits"),
  password: z.string().min(1).max(200),
});

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = methods({
  POST: async (ctx) => {
    const user = await requireUser(ctx);
    await assertRateLimit("accountSecurityPerUser", String(user.id));
    const body = await ctx.json(bodySchema);
    return json(await disableTwoFactor(user.id, body, clientInfo(ctx)));
  },
});
