/**
 * A real MariaDB server as a child process in a private data directory on a free loopback port,
 * configured like RDS MySQL 8 (utf8mb4, UTC, strict sql_mode). See shared docs/local-stack.md §1.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import mysql from "mysql2/promise";
import type { Binaries } from "./binaries.js";
import { exited, spawnTied, stopChild } from "./child.js";
import { freePort } from "./free-port.js";

export const RDS_SQL_MODE =
  "ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION";

export type MariaDbOptions = {
  dataDir: string;
  /** flush-at-commit=1 and doublewrite on (crash tests, benchmarks); otherwise the faster test profile. */
  durable?: boolean;
  port?: number;
  bufferPoolMb?: number;
  redoLogMb?: number;
  /**
   * MariaDB's thread pool (Percona Server and Aurora MySQL have one too): a few workers per core serve
   * every connection, instead of one OS thread each. The benchmark's 48+ busy connections on 2 shared
   * cores otherwise pay for their context switches: raw ceiling 2,700 -> 3,800 transfers/s, end to end +5 %.
   */
  threadPool?: boolean;
  /**
   * The server's default session time zone (UTC unless given). The test suite runs at +05:30, as an
   * Indian RDS parameter group often is, so any session the API leaves on the server's zone shows up.
   */
  timeZone?: string;
};

export type MariaDb = {
  /**
   * Server URL without a database, over the Unix socket: `mysql://root@localhost/?socketPath=…`.
   * Every local client (API, tests, benchmarks) talks to the co-located server this way: per query,
   * loopback TCP cost the client ~40 % more system CPU and the server 15–45 % more CPU (measured on
   * the dev box, 16 in flight). The TCP `port` stays open for other tools.
   */
  url: string;
  socket: string;
  port: number;
  pid: number;
  dataDir: string;
  exited: Promise<number | string | null>;
  stop(): Promise<void>;
  /** Simulates a crash: SIGKILL, no shutdown. */
  kill9(): Promise<void>;
};

const isRoot = () => process.getuid?.() === 0;

/**
 * The server's scratch directory (sort files, on-disk temporary tables), private to the data directory:
 * in the shared /tmp, a concurrent bootstrap once failed on "Error on delete of '/tmp/#sql-temptable-…'".
 */
const tmpDir = (dataDir: string) => join(dataDir, "tmp");

/**
 * Written once mariadb-install-db has finished. `data/mysql` alone is no proof: the installer creates it
 * first, so an interrupted install (Ctrl-C, a full disk) left a directory every later start took for a
 * finished one, and mariadbd then died at startup on every run.
 */
const installedMarker = (dataDir: string) => join(dataDir, "data", ".nexaspay-installed");

function installDataDir(bin: Binaries, dataDir: string): void {
  mkdirSync(tmpDir(dataDir), { recursive: true });
  const data = join(dataDir, "data");
  if (existsSync(installedMarker(dataDir))) return;
  // A directory from before the marker existed is finished if it has the grant table (written late).
  if (existsSync(join(data, "mysql", "global_priv.frm"))) {
    writeFileSync(installedMarker(dataDir), "");
    return;
  }
  rmSync(data, { recursive: true, force: true }); // an interrupted install: start it over
  mkdirSync(data, { recursive: true });
  execFileSync(
    bin.installDb,
    [
      "--no-defaults",
      `--datadir=${join(dataDir, "data")}`,
      `--tmpdir=${tmpDir(dataDir)}`,
      ...(isRoot() ? ["--user=root"] : []),
      "--auth-root-authentication-method=normal",
      "--skip-test-db",
      "--skip-name-resolve",
      "--innodb-log-file-size=16M",
    ],
    { stdio: "pipe" },
  );
  writeFileSync(installedMarker(dataDir), "");
}

async function waitForServer(url: string, done: Promise<unknown>, dataDir: string, port: number): Promise<void> {
  let gone = false;
  void done.then(() => {
    gone = true;
  });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (gone) {
      const log = existsSync(join(dataDir, "error.log")) ? readFileSync(join(dataDir, "error.log"), "utf8") : "";
      throw new Error(`mariadbd exited during startup:\n${log.split("\n").slice(-15).join("\n")}`);
    }
    let answeredPort: number | null = null;
    try {
      const conn = await mysql.createConnection({ uri: url, connectTimeout: 1000 });
      const [[row]] = (await conn.query("SELECT @@port AS port")) as unknown as [[{ port: number }]];
      await conn.end();
      answeredPort = Number(row.port);
    } catch {
      await new Promise((r) => setTimeout(r, 50));
      continue;
    }
    if (answeredPort === port) return;
    // The socket is the data directory's: a server still running on this directory (a second
    // `npm run dev`) answers on it, and ours cannot start while that one holds the files.
    throw new Error(
      `another MariaDB (port ${answeredPort}) is running on ${dataDir}: stop it, or use another directory (NEXASPAY_DATA_DIR=…)`,
    );
  }
  throw new Error("mariadbd did not accept connections within 60 s");
}

export async function startMariaDb(bin: Binaries, options: MariaDbOptions): Promise<MariaDb> {
  const { dataDir } = options;
  installDataDir(bin, dataDir);
  const socket = socketPathFor(dataDir);
  for (let attempt = 0; ; attempt++) {
    const port = options.port ?? (await freePort());
    const args = [
      "--no-defaults",
      `--datadir=${join(dataDir, "data")}`,
      `--tmpdir=${tmpDir(dataDir)}`,
      `--socket=${socket}`,
      `--pid-file=${join(dataDir, "mysqld.pid")}`,
      `--log-error=${join(dataDir, "error.log")}`,
      `--port=${port}`,
      "--bind-address=127.0.0.1",
      ...(isRoot() ? ["--user=root"] : []),
      "--skip-name-resolve",
      "--character-set-server=utf8mb4",
      "--collation-server=utf8mb4_unicode_ci",
      `--default-time-zone=${options.timeZone ?? "+00:00"}`,
      `--sql-mode=${RDS_SQL_MODE}`,
      "--performance-schema=OFF",
      "--max-connections=500",
      "--skip-log-bin",
      ...(options.threadPool ? ["--thread-handling=pool-of-threads"] : []),
      "--innodb-lock-wait-timeout=20",
      `--innodb-buffer-pool-size=${options.bufferPoolMb ?? 256}M`,
      `--innodb-log-file-size=${options.redoLogMb ?? 64}M`,
      `--innodb-flush-log-at-trx-commit=${options.durable ? 1 : 2}`,
      `--innodb-doublewrite=${options.durable ? 1 : 0}`,
    ];
    const child = spawnTied(bin.mariadbd, args, bin.setpriv);
    const done = exited(child);
    const url = socketServerUrl(socket);
    try {
      await waitForServer(url, done, dataDir, port);
    } catch (error) {
      await stopChild(child);
      if (attempt < 2 && options.port === undefined) continue; // the free port was taken meanwhile
      throw error;
    }
    return {
      url,
      socket,
      port,
      pid: child.pid ?? -1,
      dataDir,
      exited: done,
      stop: () => stopChild(child, 30_000),
      kill9: async () => {
        child.kill("SIGKILL");
        await done;
      },
    };
  }
}

/** Creates `name` if missing (utf8mb4) and returns its URL. */
export async function ensureDatabase(serverUrl: string, name: string): Promise<string> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`unsafe database name ${name}`);
  const conn = await mysql.createConnection({ uri: serverUrl });
  try {
    await conn.query(`CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await conn.end();
  }
  return databaseUrlOf(serverUrl, name);
}

/** `serverUrl` with database `name` (keeps a `?socketPath=`). */
export function databaseUrlOf(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** The root URL of the server listening on Unix socket `socket`. */
export const socketServerUrl = (socket: string) => `mysql://root@localhost/?socketPath=${encodeURIComponent(socket)}`;

/**
 * Where the server of `dataDir` puts its Unix socket: inside the data directory, unless that path is
 * longer than a socket address holds (108 bytes on Linux, and mariadbd refuses to start); then in the
 * system temp directory, under a name derived from the data directory.
 */
export function socketPathFor(dataDir: string): string {
  const inside = join(resolve(dataDir), "mysqld.sock");
  if (Buffer.byteLength(inside) < 100) return inside;
  return join(
    tmpdir(),
    `nexaspay-mariadb-${createHash("sha256").update(resolve(dataDir)).digest("hex").slice(0, 16)}.sock`,
  );
}
