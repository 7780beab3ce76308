/** A real redis-server as a child process on a free loopback port. */
import { mkdirSync } from "node:fs";
import type { Binaries } from "./binaries.js";
import { exited, spawnTied, stopChild } from "./child.js";
import { freePort } from "./free-port.js";

export type RedisServer = { url: string; port: number; pid: number; stop(): Promise<void> };

export async function startRedis(bin: Binaries, options: { dir: string; persist?: boolean }): Promise<RedisServer> {
  mkdirSync(options.dir, { recursive: true });
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const persistence = options.persist
      ? ["--save", "60 1", "--appendonly", "yes"]
      : ["--save", "", "--appendonly", "no"];
    const child = spawnTied(
      bin.redisServer,
      ["--port", String(port), "--bind", "127.0.0.1", "--dir", options.dir, ...persistence],
      bin.setpriv,
    );
    const ready = await new Promise<boolean>((resolve) => {
      let out = "";
      const timer = setTimeout(() => resolve(false), 15_000);
      child.stdout?.on("data", (d: Buffer) => {
        out += d.toString();
        if (out.includes("Ready to accept connections")) {
          clearTimeout(timer);
          resolve(true);
        }
      });
      void exited(child).then(() => {
        clearTimeout(timer);
        resolve(false);
      });
    });
    if (!ready) {
      await stopChild(child);
      if (attempt < 2) continue;
      throw new Error("redis-server did not start");
    }
    child.stdout?.resume();
    return { url: `redis://127.0.0.1:${port}`, port, pid: child.pid ?? -1, stop: () => stopChild(child) };
  }
}
