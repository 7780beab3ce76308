/**
 * The setup shared by the in-process cost benchmarks (request-cost, handler-cost): a throwaway local
 * stack, the Upstash bridge in its own process (like the remote service, it must not share our CPU
 * figures), a migrated database, and the environment lib/ reads — set before any lib/ import.
 */
import { fork } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applyDevEnv } from "../dev-env.js";
import { ensureDatabase } from "../local/mariadb.js";
import { applyMigrations } from "../local/migrate.js";
import { startLocalStack } from "../local/stack.js";

export async function startInProcessBench(database: string): Promise<{
  bridgeUrl: string;
  /** The other processes a request costs CPU in (for per-call attribution through /proc). */
  pids: { mariadb: number; redis: number; bridge: number };
  stop(): Promise<void>;
}> {
  const stack = await startLocalStack();
  const bridge = fork(new URL("./bridge.ts", import.meta.url), [], {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, BENCH_REDIS_URL: stack.redis.url, BENCH_BRIDGE_TOKEN: stack.bridge.token },
  });
  const bridgeUrl = await new Promise<string>((r) => bridge.once("message", (m) => r((m as { url: string }).url)));
  const databaseUrl = await ensureDatabase(stack.mariadb.url, database);
  await applyMigrations(databaseUrl);
  applyDevEnv({
    dataDir: mkdtempSync(join(tmpdir(), "nx-bench-")),
    port: 0,
    databaseUrl,
    upstashUrl: bridgeUrl,
    upstashToken: stack.bridge.token,
  });
  process.env.LOG_LEVEL = "warn";
  process.env.LOG_PRETTY = "false";
  return {
    bridgeUrl,
    pids: { mariadb: stack.mariadb.pid, redis: stack.redis.pid, bridge: bridge.pid ?? -1 },
    async stop() {
      bridge.kill();
      await stack.stop();
    },
  };
}
