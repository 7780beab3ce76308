// GET/PATCH /api/me — the caller's profile; PATCH changes only fullName, avatarUrl, dateOfBirth, address
import { clientInfo, requireUser } from "../lib/auth/index.js";
import { db } from "../lib/db/index.js";
import { json, methods } from "../lib/http/index.js";
import { getProfile, profilePatchSchema, updateProfile } from "../lib/users/index.js";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = methods({
  GET: async (ctx) => {
    const user = await requireUser(ctx, { rateLimit: "accountReadPerUser" });
    return json(await getProfile(db, user.id), 200, { "cache-control": "no-store" });
  },
  PATCH: async (ctx) => {
    const user = await requireUser(ctx, { rateLimit: "profileWritePerUser" });
    const patch = await ctx.json(profilePatchSchema);
    return json(await updateProfile(user.id, patch, clientInfo(ctx)));
  },
});
