/**
 * The API under benchmark, in its own process (the load generator must not share its event loop):
 * the same dev server the tests and `npm run dev` use, configured through the inherited environment.
 * Reports its URL and, on request, its CPU time over IPC.
 */
import { listenDevServer } from "../dev-server.js";

const server = await listenDevServer(0);
// Each request's time from its arrival in this process to the last byte of its answer. The benchmark
// sets it beside the client's latency: the difference is time spent waiting for a core or a socket read.
let served: number[] = [];
server.server.on("request", (_req, res) => {
  const t0 = performance.now();
  res.once("finish", () => served.push(performance.now() - t0));
});
process.on("message", (msg: unknown) => {
  if (msg === "cpu") process.send?.({ cpu: process.cpuUsage() });
  if (msg === "served") {
    process.send?.({ served });
    served = [];
  }
  if (msg === "stop") void server.close().then(() => process.exit(0));
});
// A clean exit on SIGTERM too, so a --cpu-prof profile is written.
process.on("SIGTERM", () => process.exit(0));
// The benchmark died (even by SIGKILL): the IPC channel closes, and so do we.
process.on("disconnect", () => process.exit(0));
process.send?.({ url: server.url });
