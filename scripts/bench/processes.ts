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

export type BenchProcesses = {
  stack: LocalStack;
  databaseUrl: string;
  baseUrl: string;
  /** CPU ms the API process has used so far. */
  serverCpuMs(): Promise<number>;
  stopServer(): Promise<void>;
  stopAll(): Promise<void>;
};

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

export async function startBenchProcesses(opts: { poolSize: number; profileDir?: string }): Promise<BenchProcesses> {
  const stack = await startLocalStack({ mariadb: { durable: true, bufferPoolMb: 1024, redoLogMb: 512 } });
  const children: ChildProcess[] = [];
  const stopAll = async () => {
    for (const c of children) c.kill("SIGTERM");
    await stack.stop().catch(() => {});
  };
  try {
    const databaseUrl = await ensureDatabase(stack.mariadb.url, "nexaspay_bench");
    await applyMigrations(databaseUrl);
    const token = stack.bridge.token;
    const [bridge, bridgeUrl] = await forkTs("./bridge.ts", {
      ...process.env,
      BENCH_REDIS_URL: stack.redis.url,
      BENCH_BRIDGE_TOKEN: token,
    });
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
    const [server, baseUrl] = await forkTs("./server.ts", process.env, profile);
    children.push(server);
    return {
      stack,
      databaseUrl,
      baseUrl,
      serverCpuMs: () =>
        new Promise<number>((resolve) => {
          server.once("message", (m) => {
            const { user, system } = (m as { cpu: NodeJS.CpuUsage }).cpu;
            resolve((user + system) / 1000);
          });
          server.send("cpu");
        }),
      stopServer: async () => {
        const exited = new Promise((r) => server.once("exit", r));
        server.send("stop");
        await exited;
      },
      stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
