// POST /api/auth/otp/verify — use a one-time code: verify phone/e-mail, log in, or get a password-reset grant
import { z } from "zod";
import { OTP_PURPOSES } from "../../../db/schema/otp-codes.js";
import { clientInfo } from "../../../lib/auth/index.js";
import { json, methods } from "../../../lib/http/index.js";
import { destinationSchema, verifyOtp } from "../../../lib/otp/index.js";
import { assertRateLimit } from "../../../lib/ratelimit/index.js";

const bodySchema = z.strictObject({
  destination: destinationSchema,
  purpose: z.enum(OTP_PURPOSES),
  code: z.string().regex(/^\d{6}$/, "must be 6 digits"),
  /** Extension: the authenticator code for an OTP login to an account with 2FA on. */
  totp: z.string().trim().max(10).optional(),
});

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = methods({
  POST: async (ctx) => {
    await assertRateLimit("otpVerifyPerIp", ctx.ip ?? "unknown");
    const body = await ctx.json(bodySchema);
    await assertRateLimit("otpVerifyPerDestination", body.destination.value);
    const result = await verifyOtp(body, clientInfo(ctx));
    return json(result, 200, { "cache-control": "no-store" });
  },
});
