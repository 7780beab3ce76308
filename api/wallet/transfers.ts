// POST /api/wallet/transfers — send money to another wallet (phone, userCode or username) 💰 idempotent
import { clientInfo, requireUser } from "../../lib/auth/index.js";
import { methods } from "../../lib/http/index.js";
import { assertRateLimit } from "../../lib/ratelimit/index.js";
import { sendTransfer, transferBodySchema } from "../../lib/wallet/send-transfer.js";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = methods({
  POST: async (ctx) => {
    const user = await requireUser(ctx);
    const idempotencyKey = ctx.idempotencyKey();
    const body = await ctx.json(transferBodySchema);
    const client = clientInfo(ctx);
    return sendTransfer({
      senderId: user.id,
      senderKycStatus: user.kycStatus,
      body,
      idempotencyKey,
      path: ctx.url.pathname,
      context: { ip: client.ip, deviceInfo: client.userAgent, location: client.location },
      request: client,
      // Checked in the same Redis round trip as the idempotency key (fails closed: 503 without Redis).
      rateLimit: () => assertRateLimit("moneyPerUser", String(user.id)),
    });
  },
});
