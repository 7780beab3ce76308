// POST /api/auth/password/reset — set a new password with a reset grant from a reset_password OTP (ends all sessions)
import { z } from "zod";
import { clientInfo, passwordSchema, resetPassword } from "../../../lib/auth/index.js";
import { methods, noContent } from "../../../lib/http/index.js";
import { assertRateLimit } from "../../../lib/ratelimit/index.js";

const bodySchema = z.strictObject({ resetToken: z.string().min(1).max(2000), newPassword: passwordSchema });

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = methods({
  POST: async (ctx) => {
    await assertRateLimit("passwordResetPerIp", ctx.ip ?? "unknown");
    const body = await ctx.json(bodySchema);
    await resetPassword(body, clientInfo(ctx));
    return noContent();
  },
});
