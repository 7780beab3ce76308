/** Liveness of the API's dependencies, each probed with a short timeout. */
import { sql } from "drizzle-orm";
import { db } from "../db/client.js";
import { env } from "../env.js";
import { redis } from "../redis.js";

export type HealthReport = { status: "ok" | "degraded"; db: "ok" | "down"; redis: "ok" | "down"; version: string };

async function probe(fn: () => Promise<unknown>, timeoutMs = 2_000): Promise<"ok" | "down"> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("timeout")), timeoutMs);
  });
  try {
    await Promise.race([fn(), timeout]);
    return "ok";
  } catch {
    return "down";
  } finally {
    clearTimeout(timer);
  }
}

export async function checkHealth(): Promise<HealthReport> {
  const [dbState, redisState] = await Promise.all([probe(() => db.execute(sql`SELECT 1`)), probe(() => redis.ping())]);
  return {
    status: dbState === "ok" && redisState === "ok" ? "ok" : "degraded",
    db: dbState,
    redis: redisState,
    version: env.APP_VERSION,
  };
}
