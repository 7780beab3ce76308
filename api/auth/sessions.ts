// GET /api/auth/sessions — the caller's live sessions (device, IP, location, `current`)
import { listSessions, requireUser } from "../../lib/auth/index.js";
import { json, methods } from "../../lib/http/index.js";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = methods({
  GET: async (ctx) => {
    const user = await requireUser(ctx, { rateLimit: "accountReadPerUser" });
    return json(await listSessions(user), 200, { "cache-control": "no-store" });
  },
});
