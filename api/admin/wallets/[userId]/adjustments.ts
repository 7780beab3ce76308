// POST /api/admin/wallets/[userId]/adjustments — admin manual credit/debit against the adjustments account 💰
import { clientInfo, requireUser } from "../../../../lib/auth/index.js";
import { methods } from "../../../../lib/http/index.js";
import { assertRateLimit } from "../../../../lib/ratelimit/index.js";
import { adjustmentBodySchema, adjustmentParamsSchema, adjustWallet } from "../../../../lib/wallet/adjust-wallet.js";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = methods({
  POST: async (ctx) => {
    const admin = await requireUser(ctx, { roles: ["admin"] });
    const { userId } = ctx.searchParams(adjustmentParamsSchema);
    const idempotencyKey = ctx.idempotencyKey();
    const body = await ctx.json(adjustmentBodySchema);
    ctx.annotate({ targetUserId: userId });
    return adjustWallet({
      adminId: admin.id,
      userId,
      body,
      idempotencyKey,
      path: ctx.url.pathname,
      request: clientInfo(ctx),
      // Checked in the same Redis round trip as the idempotency key (fails closed: 503 without Redis).
      rateLimit: () => assertRateLimit("moneyPerUser", String(admin.id)),
    });
  },
});
