// POST /api/auth/2fa/setup — start TOTP enrolment: a new secret and its otpauth:// URL (2FA stays off)
import { clientInfo, requireUser, setupTwoFactor } from "../../../lib/auth/index.js";
import { json, methods } from "../../../lib/http/index.js";
import { assertRateLimit } from "../../../lib/ratelimit/index.js";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = methods({
  POST: async (ctx) => {
    const user = await requireUser(ctx);
    await assertRateLimit("accountSecurityPerUser", String(user.id));
    const result = await setupTwoFactor(user.id, clientInfo(ctx));
    return json(result, 200, { "cache-control": "no-store" });
  },
});
