/**
 * The API under benchmark, in its own process (the load generator must not share its event loop):
 * the same dev server the tests and `npm run dev` use, configured through the inherited environment.
 * Reports its URL and, on request, its CPU time, request durations and GC pauses over IPC.
 */
import { PerformanceObserver } from "node:perf_hooks";
import { listenDevServer } from "../dev-server.js";

const server = await listenDevServer(0);
// Each request's time from its arrival in this process to the last byte of its answer. The benchmark
// sets it beside the client's latency: the difference is time spent waiting for a core or a socket read.
type Span = { startMs: number; ms: number };
let served: Span[] = [];
server.server.on("request", (_req, res) => {
  const startMs = performance.now();
  res.once("finish", () => served.push({ startMs, ms: performance.now() - startMs }));
});
// Garbage-collection pauses over the same window. A pause stops every request in flight, so the
// benchmark also gets the durations of the requests that no pause touched: what is left of the tail
// once GC is taken out.
let gcPauses: Span[] = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcPauses.push({ startMs: e.startTime, ms: e.duration });
}).observe({ entryTypes: ["gc"] });
const overlaps = (a: Span, b: Span) => a.startMs < b.startMs + b.ms && b.startMs < a.startMs + a.ms;
process.on("message", (msg: unknown) => {
  if (msg === "cpu") process.send?.({ cpu: process.cpuUsage() });
  if (msg === "served") {
    process.send?.({
      served: served.map((r) => r.ms),
      clearOfGc: served.filter((r) => !gcPauses.some((g) => overlaps(r, g))).map((r) => r.ms),
      gcPauses: gcPauses.map((g) => g.ms),
    });
    served = [];
    gcPauses = [];
  }
  if (msg === "stop") void server.close().then(() => process.exit(0));
});
// A clean exit on SIGTERM too, so a --cpu-prof profile is written.
process.on("SIGTERM", () => process.exit(0));
// The benchmark died (even by SIGKILL): the IPC channel closes, and so do we.
process.on("disconnect", () => process.exit(0));
process.send?.({ url: server.url });
