/**
 * A small HTTP load generator on node:http keep-alive sockets (no dependency): closed loop (N
 * connections, each sends its next request when the previous answer arrives) or open loop (a fixed
 * request rate). Every request is built fresh, so each transfer carries its own Idempotency-Key.
 */
import { Agent, request } from "node:http";

export type BenchRequest = { method: "GET" | "POST"; path: string; headers: Record<string, string>; body?: string };

export type LoadResult = {
  name: string;
  requests: number;
  seconds: number;
  /** Answers per HTTP status (0 = network error). */
  byStatus: Record<number, number>;
  /** Latencies in ms of 2xx answers, sorted ascending. */
  latencies: number[];
};

function send(agent: Agent, base: URL, req: BenchRequest): Promise<number> {
  return new Promise((resolve) => {
    const r = request(
      { agent, host: base.hostname, port: base.port, method: req.method, path: req.path, headers: req.headers },
      (res) => {
        res.on("data", () => {});
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", () => resolve(0));
      },
    );
    r.on("error", () => resolve(0));
    r.end(req.body);
  });
}

/** Several base URLs (one per API process) are used round-robin, like a load balancer would. */
type Plan = { name: string; baseUrl: string | string[]; seconds: number; make: (n: number) => BenchRequest };

async function collect(plan: Plan, drive: (one: () => Promise<void>, deadline: number) => Promise<void>) {
  const bases = (Array.isArray(plan.baseUrl) ? plan.baseUrl : [plan.baseUrl]).map((u) => new URL(u));
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const byStatus: Record<number, number> = {};
  const latencies: number[] = [];
  let n = 0;
  const started = performance.now();
  const deadline = started + plan.seconds * 1000;
  await drive(async () => {
    const i = n++;
    const req = plan.make(i);
    const t0 = performance.now();
    const status = await send(agent, bases[i % bases.length] as URL, req);
    const ms = performance.now() - t0;
    byStatus[status] = (byStatus[status] ?? 0) + 1;
    if (status >= 200 && status < 300) latencies.push(ms);
  }, deadline);
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return { name: plan.name, requests: n, seconds, byStatus, latencies };
}

/** `connections` workers, each with one request in flight, until `seconds` have passed. */
export function closedLoop(plan: Plan & { connections: number }): Promise<LoadResult> {
  return collect(plan, async (one, deadline) => {
    const worker = async () => {
      while (performance.now() < deadline) await one();
    };
    await Promise.all(Array.from({ length: plan.connections }, worker));
  });
}

/** A fixed arrival rate (requests/s), independent of how fast answers come back. */
export function openLoop(plan: Plan & { rate: number }): Promise<LoadResult> {
  return collect(plan, async (one, deadline) => {
    const inflight = new Set<Promise<void>>();
    const start = performance.now();
    let sent = 0;
    while (performance.now() < deadline) {
      const due = Math.floor(((performance.now() - start) / 1000) * plan.rate);
      while (sent < due) {
        sent++;
        const p = one().finally(() => inflight.delete(p));
        inflight.add(p);
      }
      await new Promise((r) => setTimeout(r, 2));
    }
    await Promise.all(inflight);
  });
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

export const ok = (r: LoadResult) => r.latencies.length;
export const rate = (r: LoadResult) => ok(r) / r.seconds;
