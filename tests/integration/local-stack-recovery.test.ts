/**
 * The local stack recovers from what an interrupted run leaves — a MariaDB data directory whose install
 * never finished, throwaway stack directories of runs killed before their stop() — and refuses a second
 * server on a data directory in use.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mysql from "mysql2/promise";
import { describe, expect, it } from "vitest";
import { ensureBinaries } from "../../scripts/local/binaries.js";
import { startMariaDb } from "../../scripts/local/mariadb.js";
import { removeAbandonedStacks } from "../../scripts/local/stack.js";

describe("local stack recovery", () => {
  it("reinstalls a MariaDB data directory whose install was interrupted, then starts", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "nexaspay-recover-"));
    try {
      // What mariadb-install-db leaves when stopped early: data/mysql exists, the system tables do not.
      mkdirSync(join(dataDir, "data", "mysql"), { recursive: true });
      const db = await startMariaDb(ensureBinaries(), { dataDir });
      try {
        const conn = await mysql.createConnection({ uri: db.url });
        const [[row]] = (await conn.query("SELECT COUNT(*) AS n FROM mysql.global_priv")) as unknown as [
          [{ n: number }],
        ];
        expect(Number(row.n)).toBeGreaterThan(0);
        await conn.end();
      } finally {
        await db.stop();
      }
      expect(existsSync(join(dataDir, "data", ".nexaspay-installed"))).toBe(true);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("a second server on a data directory in use fails at once, naming the cause, and the first keeps running", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "nexaspay-recover-"));
    const bin = ensureBinaries();
    const first = await startMariaDb(bin, { dataDir });
    try {
      const started = Date.now();
      await expect(startMariaDb(bin, { dataDir })).rejects.toThrow(/another MariaDB \(port \d+\) is running/);
      expect(Date.now() - started).toBeLessThan(50_000); // not the 60 s startup limit
      const conn = await mysql.createConnection({ uri: first.url });
      const [[row]] = (await conn.query("SELECT @@port AS port")) as unknown as [[{ port: number }]];
      expect(Number(row.port)).toBe(first.port);
      await conn.end();
    } finally {
      await first.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("removes throwaway stacks whose MariaDB is gone, and nothing that may still be in use", () => {
    const make = (pid: number | null, ageMs = 0) => {
      const dir = mkdtempSync(join(tmpdir(), "nexaspay-stack-"));
      mkdirSync(join(dir, "mariadb"), { recursive: true });
      if (pid !== null) writeFileSync(join(dir, "mariadb", "mysqld.pid"), `${pid}\n`);
      if (ageMs > 0) utimesSync(dir, new Date(Date.now() - ageMs), new Date(Date.now() - ageMs));
      return dir;
    };
    const deadPid = spawnSync("true").pid as number; // exited by now
    const killed = make(deadPid);
    const running = make(process.pid); // this process stands in for a live mariadbd
    const starting = make(null); // no pid file yet, just created
    const stale = make(null, 2 * 3600_000);
    try {
      removeAbandonedStacks();
      expect([killed, running, starting, stale].map(existsSync)).toEqual([false, true, true, false]);
    } finally {
      for (const dir of [killed, running, starting, stale]) rmSync(dir, { recursive: true, force: true });
    }
  });
});
