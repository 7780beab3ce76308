// DELETE /api/auth/sessions/[id] — end one of the caller's sessions (someone else's → 404)
import { z } from "zod";
import { clientInfo, endSession, requireUser } from "../../../lib/auth/index.js";
import { methods, noContent } from "../../../lib/http/index.js";
import { assertRateLimit } from "../../../lib/ratelimit/index.js";

const querySchema = z.strictObject({ id: z.string().min(1).max(40) });

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = methods({
  DELETE: async (ctx) => {
    const user = await requireUser(ctx);
    await assertRateLimit("accountSecurityPerUser", String(user.id));
    const { id } = ctx.searchParams(querySchema);
    await endSession(user, id, clientInfo(ctx));
    return noContent();
  },
});
