// GET /api/payments/return — PhonePe's browser redirect target: check the order, then 302 to the frontend
import { z } from "zod";
import { methods } from "../../lib/http/index.js";
import { handleReturn } from "../../lib/payments/index.js";
import { assertRateLimit } from "../../lib/ratelimit/index.js";

// Not strict: this is a provider redirect, and an extra parameter must not strand the customer on an error.
const querySchema = z.object({ merchantOrderId: z.string().regex(/^[A-Za-z0-9_-]{1,63}$/) });

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = methods({
  GET: async (ctx) => {
    await assertRateLimit("apiPerIp", ctx.ip ?? "unknown");
    const { merchantOrderId } = ctx.searchParams(querySchema);
    const location = await handleReturn(merchantOrderId);
    return new Response(null, { status: 302, headers: { location, "cache-control": "no-store" } });
  },
});
