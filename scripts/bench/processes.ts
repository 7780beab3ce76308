/**
 * The benchmark's processes: its own durable local stack, the Upstash bridge and the API server as
 * child processes (so the load generator, the bridge and the API never share an event loop), and the
 * environment the API reads. Children exit when the benchmark dies (IPC disconnect).
 */
import { type ChildProcess, fork } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { applyDevEnv } from "../dev-env.js";
import { ensureDatabase } from "../local/mariadb.js";
import { applyMigrations } from "../local/migrate.js";
import { type LocalStack, startLocalStack } from "../local/stack.js";

export type ServedWindow = { servedMs: number[]; clearOfGcMs: number[]; gcPausesMs: number[] };

export type BenchProcesses = {
  stack: LocalStack;
  databaseUrl: string;
  /** One URL per API process (the load generator spreads requests round-robin). */
  baseUrls: string[];
  /** CPU ms the API processes have used so far (summed). */
  serverCpuMs(): Promise<number>;
  /** The other processes that share the cores (for a per-request CPU breakdown from /proc). */
  pids: { mariadb: number; redis: number; bridge: number };
  /**
   * Since the last call, all API processes: server-side durations (ms) of the requests answered, of
   * those no GC pause overlapped, and the GC pauses (ms).
   */
  served(): Promise<ServedWindow>;
  stopServer(): Promise<void>;
  stopAll(): Promise<void>;
};

/**
 * V8 flags of the API processes, as a deployment would set them in NODE_OPTIONS: a 64 MB young
 * generation. Each request allocates short-lived rows, views and JSON; with the default 16 MB,
 * scavenges every ~100 ms promoted in-flight garbage to the old space, and the mark-compacts that
 * followed every few seconds were the read latency's tail (in-process history page p99 60-70 ms → 21-25).
 * BENCH_SEMI_SPACE_MB sets another size; each phase's log line shows the GC pauses it brought.
 */
export const API_NODE_FLAGS = [`--max-semi-space-size=${Number(process.env.BENCH_SEMI_SPACE_MB ?? 64)}`];

function forkTs(file: string, env: NodeJS.ProcessEnv, execArgv: string[] = []): Promise<[ChildProcess, string]> {
  const child = fork(fileURLToPath(new URL(file, import.meta.url)), [], {
    execArgv: ["--import", "tsx", ...execArgv],
    env,
    stdio: "inherit",
  });
  return new Promise((resolve, reject) => {
    child.once("message", (m) => resolve([child, (m as { url: string }).url]));
    child.once("exit", (code) => reject(new Error(`${file} exited (${code})`)));
  });
}

export async function startBenchProcesses(opts: {
  poolSize: number;
  /** API processes, like function instances behind Vercel's router (default 1). */
  apiProcesses?: number;
  profileDir?: string;
}): Promise<BenchProcesses> {
  const stack = await startLocalStack({
    mariadb: { durable: true, bufferPoolMb: 1024, redoLogMb: 512, threadPool: process.env.BENCH_THREAD_POOL !== "0" },
  });
  const children: ChildProcess[] = [];
  const stopAll = async () => {
    for (const c of children) c.kill("SIGTERM");
    await stack.stop().catch(() => {});
  };
  try {
    const databaseUrl = await ensureDatabase(stack.mariadb.url, "nexaspay_bench");
    await applyMigrations(databaseUrl);
    const token = stack.bridge.token;
    // The bridge stands in for a managed service: the same young-generation size keeps its GC pauses
    // out of the API's latency.
    const [bridge, bridgeUrl] = await forkTs(
      "./bridge.ts",
      { ...process.env, BENCH_REDIS_URL: stack.redis.url, BENCH_BRIDGE_TOKEN: token },
      API_NODE_FLAGS,
    );
    children.push(bridge);
    // Explicit values first: a developer's .env must never point the benchmark at another database.
    Object.assign(process.env, {
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_SIZE: String(opts.poolSize),
      UPSTASH_REDIS_REST_URL: bridgeUrl,
      UPSTASH_REDIS_REST_TOKEN: token,
      LOG_LEVEL: "warn",
      LOG_PRETTY: "false",
      NODE_ENV: "development",
    });
    const dataDir = mkdtempSync(join(tmpdir(), "nexaspay-bench-"));
    applyDevEnv({ dataDir, port: 0, databaseUrl, upstashUrl: bridgeUrl, upstashToken: token });
    const profile = opts.profileDir ? ["--cpu-prof", `--cpu-prof-dir=${opts.profileDir}`] : [];
    const servers = await Promise.all(
      Array.from({ length: opts.apiProcesses ?? 1 }, () =>
        forkTs("./server.ts", process.env, [...API_NODE_FLAGS, ...profile]),
      ),
    );
    children.push(...servers.map(([c]) => c));
    const ask = <T>(server: ChildProcess, question: string) =>
      new Promise<T>((resolve) => {
        server.once("message", (m) => resolve(m as T));
        server.send(question);
      });
    const cpuOf = async (server: ChildProcess) => {
      const { user, system } = (await ask<{ cpu: NodeJS.CpuUsage }>(server, "cpu")).cpu;
      return (user + system) / 1000;
    };
    return {
      stack,
      databaseUrl,
      baseUrls: servers.map(([, url]) => url),
      pids: { mariadb: stack.mariadb.pid, redis: stack.redis.pid, bridge: bridge.pid ?? -1 },
      serverCpuMs: async () => (await Promise.all(servers.map(([c]) => cpuOf(c)))).reduce((a, b) => a + b, 0),
      served: async () => {
        type Reply = { served: number[]; clearOfGc: number[]; gcPauses: number[] };
        const replies = await Promise.all(servers.map(([c]) => ask<Reply>(c, "served")));
        return {
          servedMs: replies.flatMap((m) => m.served),
          clearOfGcMs: replies.flatMap((m) => m.clearOfGc),
          gcPausesMs: replies.flatMap((m) => m.gcPauses),
        };
      },
      stopServer: async () => {
        await Promise.all(
          servers.map(([c]) => {
            const exited = new Promise((r) => c.once("exit", r));
            c.send("stop");
            return exited;
          }),
        );
      },
      stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
