/** Vercel Cron authentication: `Authorization: Bearer <CRON_SECRET>`, compared in constant time. */
import { createHash, timingSafeEqual } from "node:crypto";
import { env } from "../env.js";
import { AppError } from "../http/errors.js";
import type { RouteContext } from "../http/route.js";

// Both sides hashed first, so timingSafeEqual always compares equal-length buffers.
const digest = (v: string) => createHash("sha256").update(v).digest();
const EXPECTED = digest(`Bearer ${env.CRON_SECRET}`);

export function requireCron(ctx: RouteContext): void {
  const header = ctx.request.headers.get("authorization");
  if (header === null || !timingSafeEqual(digest(header), EXPECTED)) {
    throw new AppError("UNAUTHORIZED", "Cron secret required.");
  }
}
