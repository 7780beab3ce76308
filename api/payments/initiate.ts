// POST /api/payments/initiate — start a PhonePe top-up of the caller's wallet (💰 Idempotency-Key)
import { z } from "zod";
import { clientInfo, requireUser } from "../../lib/auth/index.js";
import { methods } from "../../lib/http/index.js";
import { amountPaiseSchema } from "../../lib/money/index.js";
import { initiatePayment } from "../../lib/payments/index.js";
import { assertRateLimit } from "../../lib/ratelimit/index.js";

// PhonePe's minimum order is ₹1 (100 paise).
const bodySchema = z
  .object({ amountPaise: amountPaiseSchema.refine((v) => v >= 100, "must be at least 100") })
  .strict();

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = methods({
  POST: async (ctx) => {
    const user = await requireUser(ctx);
    const idempotencyKey = ctx.idempotencyKey();
    const body = await ctx.json(bodySchema);
    return initiatePayment({
      userId: user.id,
      amountPaise: body.amountPaise,
      idempotencyKey,
      audit: clientInfo(ctx),
      // Checked in the same Redis round trip as the idempotency key (fails closed: 503 without Redis).
      rateLimit: () => assertRateLimit("moneyPerUser", String(user.id)),
    });
  },
});
