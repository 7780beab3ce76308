// POST /api/auth/register — create an account (customer, or retailer under a distributor's referral code)
import { z } from "zod";
import { clientInfo, passwordSchema } from "../../lib/auth/index.js";
import { json, methods } from "../../lib/http/index.js";
import { assertRateLimit } from "../../lib/ratelimit/index.js";
import { emailSchema, fullNameSchema, phoneSchema, registerUser, usernameSchema } from "../../lib/users/index.js";

const bodySchema = z.strictObject({
  fullName: fullNameSchema,
  email: emailSchema,
  phone: phoneSchema,
  username: usernameSchema,
  password: passwordSchema,
  referralCode: z.string().trim().min(1).max(50).optional(),
});

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = methods({
  POST: async (ctx) => {
    await assertRateLimit("registerPerIp", ctx.ip ?? "unknown");
    const body = await ctx.json(bodySchema);
    const user = await registerUser(body, clientInfo(ctx));
    ctx.annotate({ userId: user.id });
    return json({ user }, 201);
  },
});
