// POST /api/auth/otp/send — send a one-time code (202 whether or not the destination has an account)
import { z } from "zod";
import { OTP_PURPOSES } from "../../../db/schema/otp-codes.js";
import { clientInfo } from "../../../lib/auth/index.js";
import { json, methods } from "../../../lib/http/index.js";
import { destinationSchema, requestOtp } from "../../../lib/otp/index.js";
import { assertRateLimit } from "../../../lib/ratelimit/index.js";

const CHANNEL_OF = { verify_phone: "sms", verify_email: "email" } as const;

const bodySchema = z
  .strictObject({ channel: z.enum(["sms", "email"]), destination: destinationSchema, purpose: z.enum(OTP_PURPOSES) })
  .superRefine((b, issues) => {
    const wanted = b.purpose in CHANNEL_OF ? CHANNEL_OF[b.purpose as keyof typeof CHANNEL_OF] : b.channel;
    if (b.destination.channel !== b.channel || wanted !== b.channel) {
      issues.addIssue({ code: "custom", path: ["channel"], message: "does not match the destination or purpose" });
    }
  });

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = methods({
  POST: async (ctx) => {
    await assertRateLimit("otpSendPerIp", ctx.ip ?? "unknown");
    const { destination, purpose } = await ctx.json(bodySchema);
    await assertRateLimit("otpSendPerDestination", destination.value);
    await assertRateLimit("otpSendPerDestinationDaily", destination.value);
    await requestOtp({ destination, purpose }, clientInfo(ctx));
    return json({ accepted: true }, 202);
  },
});
