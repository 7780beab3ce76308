// POST /api/auth/login — password login by e-mail, phone or username (+ TOTP when 2FA is on)
import { z } from "zod";
import { clientInfo, login } from "../../lib/auth/index.js";
import { json, methods } from "../../lib/http/index.js";
import { assertRateLimit } from "../../lib/ratelimit/index.js";
import { parseIdentifier } from "../../lib/users/index.js";

const bodySchema = z.strictObject({
  identifier: z.string().trim().min(1).max(255),
  password: z.string().min(1).max(200),
  totp: z.string().trim().max(10).optional(),
});

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = methods({
  POST: async (ctx) => {
    await assertRateLimit("loginPerIp", ctx.ip ?? "unknown");
    const body = await ctx.json(bodySchema);
    const identifier = parseIdentifier(body.identifier);
    await assertRateLimit("loginPerIdentifier", `${identifier.kind}:${identifier.value}`);
    const result = await login(body, clientInfo(ctx));
    ctx.annotate({ userId: result.user.id });
    return json(result, 200, { "cache-control": "no-store" });
  },
});
