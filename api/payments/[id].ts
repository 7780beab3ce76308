// GET /api/payments/[id] — the caller's own top-up (a stale pending one is checked with PhonePe first)
import { z } from "zod";
import { requireUser } from "../../lib/auth/index.js";
import { json, methods } from "../../lib/http/index.js";
import { getPayment } from "../../lib/payments/index.js";
import { assertRateLimit } from "../../lib/ratelimit/index.js";

const querySchema = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) }).strict();

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = methods({
  GET: async (ctx) => {
    const user = await requireUser(ctx);
    await assertRateLimit("apiPerIp", ctx.ip ?? "unknown");
    const { id } = ctx.searchParams(querySchema);
    return json(await getPayment(user.id, id), 200, { "cache-control": "no-store" });
  },
});
