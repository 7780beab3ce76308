/**
 * The whole local stack in one call: MariaDB + redis-server + the Upstash bridge, all on loopback,
 * all tied to this process. Used by `npm run dev`, the vitest global setup and the benchmarks.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
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

export async function startLocalStack(options: StackOptions = {}): Promise<LocalStack> {
  const bin = ensureBinaries();
  const throwaway = options.dataDir === undefined;
  const root = options.dataDir ?? mkdtempSync(join(tmpdir(), "nexaspay-"));
  const [mariadb, redis] = await Promise.all([
    startMariaDb(bin, { dataDir: join(root, "mariadb"), ...options.mariadb }),
    startRedis(bin, { dir: join(root, "redis"), persist: !throwaway }),
  ]);
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
