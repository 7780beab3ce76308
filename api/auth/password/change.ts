// POST /api/auth/password/change — change the password (ends every session, this one included)
import { z } from "zod";
import { changePassword, clientInfo, passwordSchema, requireUser } from "../../../lib/auth/index.js";
import { methods, noContent } from "../../../lib/http/index.js";
import { assertRateLimit } from "../../../lib/ratelimit/index.js";

const bodySchema = z.strictObject({ currentPassword: z.string().min(1).max(200), newPassword: passwordSchema });

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = methods({
  POST: async (ctx) => {
    const user = await requireUser(ctx);
    await assertRateLimit("accountSecurityPerUser", String(user.id));
    const body = await ctx.json(bodySchema);
    await changePassword(user.id, body, clientInfo(ctx));
    return noContent();
  },
});
