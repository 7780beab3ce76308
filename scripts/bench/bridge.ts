/**
 * The Upstash REST bridge in its own process for the benchmark: in production Upstash is a remote
 * service, so its HTTP handling must not steal CPU from the load generator's event loop.
 */
import { startUpstashBridge } from "../local/upstash-bridge.js";

const bridge = await startUpstashBridge({
  redisUrl: String(process.env.BENCH_REDIS_URL),
  token: String(process.env.BENCH_BRIDGE_TOKEN),
});
process.on("SIGTERM", () => void bridge.close().then(() => process.exit(0)));
// The benchmark died (even by SIGKILL): the IPC channel closes, and so do we.
process.on("disconnect", () => process.exit(0));
process.send?.({ url: bridge.url });
