// POST /api/admin/payments/[id]/refund — refund a PhonePe top-up in full or in part (admin, 💰 Idempotency-Key)
import { z } from "zod";
import { clientInfo, requireUser } from "../../../../lib/auth/index.js";
import { methods } from "../../../../lib/http/index.js";
import { amountPaiseSchema } from "../../../../lib/money/index.js";
import { refundPayment } from "../../../../lib/payments/index.js";
import { assertRateLimit } from "../../../../lib/ratelimit/index.js";

const querySchema = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) }).strict();
const bodySchema = z
  .object({
    amountPaise: amountPaiseSchema.refine((v) => v >= 100, "must be at least 100"),
    reason: z.string().trim().min(3).max(500),
  })
  .strict();

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = methods({
  POST: async (ctx) => {
    const admin = await requireUser(ctx, { roles: ["admin"] });
    const { id } = ctx.searchParams(querySchema);
    const idempotencyKey = ctx.idempotencyKey();
    const body = await ctx.json(bodySchema);
    return refundPayment({
      adminId: admin.id,
      paymentId: id,
      ...body,
      idempotencyKey,
      audit: clientInfo(ctx),
      // Checked in the same Redis round trip as the idempotency key (fails closed: 503 without Redis).
      rateLimit: () => assertRateLimit("moneyPerUser", String(admin.id)),
    });
  },
});
