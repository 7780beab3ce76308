// POST /api/auth/logout — end the current session
import { z } from "zod";
import { clientInfo, logout, requireUser } from "../../lib/auth/index.js";
import { methods, noContent } from "../../lib/http/index.js";

const bodySchema = z.strictObject({ refreshToken: z.string().min(1).max(2000).optional() });

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = methods({
  POST: async (ctx) => {
    const user = await requireUser(ctx);
    const body = await ctx.json(bodySchema);
    await logout(user, body.refreshToken, clientInfo(ctx));
    return noContent();
  },
});
