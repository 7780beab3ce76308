/**
 * `npm run bench:request-cost`: client-side CPU of each piece of an API request, measured in-process
 * (8 in flight, 2,000 each; the Upstash bridge runs in its own process like the remote service). It
 * explains the transfer benchmark: on 2 shared cores the API is CPU-bound, and this shows where the
 * milliseconds go (an Upstash REST call through Node's fetch, a MySQL round trip, jose, the route).
 */
import { startInProcessBench } from "./in-process.js";

const bench = await startInProcessBench("micro");
const { createTestUser } = await import("../../tests/helpers/factories.js");
const { verifyAccessToken } = await import("../../lib/auth/jwt.js");
const { redis } = await import("../../lib/redis.js");
const { assertRateLimit } = await import("../../lib/ratelimit/index.js");
const { db, pool } = await import("../../lib/db/index.js");
const { sql } = await import("drizzle-orm");
const u = await createTestUser();
const N = 2000;
const users = await Promise.all(Array.from({ length: 40 }, () => createTestUser()));
async function measure(name: string, fn: () => Promise<unknown>) {
  for (let i = 0; i < 50; i++) await fn();
  const c0 = process.cpuUsage();
  let i = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (i++ < N) await fn();
    }),
  );
  const c = process.cpuUsage(c0);
  console.log(`${name}: CPU ${((c.user + c.system) / 1000 / N).toFixed(3)} ms/op`);
}
await measure("jose verify", () => verifyAccessToken(u.token));
await measure("redis.get (upstash fetch)", () => redis.get("x"));
let rl = 0;
await measure("ratelimit", () => assertRateLimit("apiPerIp", `ip-${rl++}`));
await measure("mysql2 pool.query SELECT 1", () => pool.query("SELECT 1"));
await measure("drizzle select by pk", () => db.execute(sql`SELECT id FROM users WHERE id = ${u.id}`));
await measure("fetch to bridge raw", () =>
  fetch(bench.bridgeUrl, {
    method: "POST",
    headers: { authorization: `Bearer ${process.env.UPSTASH_REDIS_REST_TOKEN}` },
    body: '["PING"]',
  }).then((r) => r.text()),
);
const { methods, json } = await import("../../lib/http/index.js");
const noop = methods({ GET: () => json({ ok: true }) });
await measure("noop route (Request+Response)", async () => (await noop.GET(new Request("http://x/api/x"))).text());
const { requireUser } = await import("../../lib/auth/index.js");
const withAuth = methods({
  GET: async (ctx) => {
    await requireUser(ctx);
    return json({ ok: true });
  },
});
await measure("route + requireUser", async () =>
  (await withAuth.GET(new Request("http://x/api/x", { headers: { authorization: `Bearer ${u.token}` } }))).text(),
);
const balance = await import("../../api/wallet/balance.js");
// 40 users so the per-user read limit is never hit (a limited request is cheaper and would flatter).
let b = 0;
await measure("GET /api/wallet/balance handler", async () => {
  const token = users[b++ % users.length]?.token ?? "";
  return (
    await balance.GET(new Request("http://x/api/wallet/balance", { headers: { authorization: `Bearer ${token}` } }))
  ).text();
});
await pool.end();
await bench.stop();
process.exit(0);
