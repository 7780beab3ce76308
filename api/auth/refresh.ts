// POST /api/auth/refresh — exchange a refresh token for a new pair (the old token dies; reuse revokes the session)
import { z } from "zod";
import { clientInfo, refreshSession } from "../../lib/auth/index.js";
import { json, methods } from "../../lib/http/index.js";
import { assertRateLimit } from "../../lib/ratelimit/index.js";

const bodySchema = z.strictObject({ refreshToken: z.string().min(1).max(2000) });

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = methods({
  POST: async (ctx) => {
    await assertRateLimit("refreshPerIp", ctx.ip ?? "unknown");
    const { refreshToken } = await ctx.json(bodySchema);
    const pair = await refreshSession(refreshToken, clientInfo(ctx));
    return json(pair, 200, { "cache-control": "no-store" });
  },
});
