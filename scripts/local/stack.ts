/**
 * The whole local stack in one call: MariaDB + redis-server + the Upstash bridge, all on loopback,
 * all tied to this process. Used by `npm run dev`, the vitest global setup and the benchmarks.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureBinaries } from "./binaries.js";
import { type MariaDb, type MariaDbOptions, startMariaDb } from "./mariadb.js";
import { type RedisServer, startRedis } from "./redis.js";
import { startUpstashBridge, type UpstashBridge } from "./upstash-bridge.js";

export type LocalStack = {
  mariadb: MariaDb;
  redis: RedisServer;
  bridge: UpstashBridge;
  stop(): Promise<void>;
};

export type StackOptions = {
  /** Persistent directory (dev: `.data/`); a throwaway temp dir when omitted. */
  dataDir?: string;
  mariadb?: Omit<MariaDbOptions, "dataDir">;
};

const THROWAWAY_PREFIX = "nexaspay-stack-";

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
};

/**
 * Throwaway stacks are removed by stop(); a run killed before it (SIGKILL, a crash) left ~170 MB in the
 * temp dir each time. Removes those whose MariaDB is gone — by its pid file, or, without one, when the
 * directory is over an hour old (a concurrent run still starting has neither a pid file nor that age).
 */
export function removeAbandonedStacks(): void {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(THROWAWAY_PREFIX)) continue;
    const dir = join(tmpdir(), name);
    try {
      const pidFile = join(dir, "mariadb", "mysqld.pid");
      const abandoned = existsSync(pidFile)
        ? !alive(Number(readFileSync(pidFile, "utf8").trim()))
        : Date.now() - statSync(dir).mtimeMs > 3600_000;
      if (abandoned) rmSync(dir, { recursive: true, force: true });
    } catch {} // another run removed it meanwhile, or it is not ours to read
  }
}

export async function startLocalStack(options: StackOptions = {}): Promise<LocalStack> {
  const bin = ensureBinaries();
  const throwaway = options.dataDir === undefined;
  if (throwaway) removeAbandonedStacks();
  const root = options.dataDir ?? mkdtempSync(join(tmpdir(), THROWAWAY_PREFIX));
  // If one server fails, the other is stopped and a throwaway directory removed before the error goes up.
  const [db, cache] = await Promise.allSettled([
    startMariaDb(bin, { dataDir: join(root, "mariadb"), ...options.mariadb }),
    startRedis(bin, { dir: join(root, "redis"), persist: !throwaway }),
  ]);
  if (db.status === "rejected" || cache.status === "rejected") {
    await Promise.all([db, cache].map((r) => (r.status === "fulfilled" ? r.value.stop() : undefined)));
    if (throwaway) rmSync(root, { recursive: true, force: true });
    throw db.status === "rejected" ? db.reason : (cache as PromiseRejectedResult).reason;
  }
  const [mariadb, redis] = [db.value, cache.value];
  const bridge = await startUpstashBridge({ redisUrl: redis.url, token: randomBytes(24).toString("hex") });
  return {
    mariadb,
    redis,
    bridge,
    async stop() {
      await bridge.close();
      await Promise.all([mariadb.stop(), redis.stop()]);
      if (throwaway) rmSync(root, { recursive: true, force: true });
    },
  };
}
