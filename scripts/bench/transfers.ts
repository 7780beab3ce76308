/**
 * `npm run bench:transfers` — the wallet benchmark (issue 4; a benchmark, not a test). Loopback only,
 * bounded in time (~3–4 min). Starts its own durable MariaDB + Redis + Upstash bridge, runs the API in a
 * child process (scripts/bench/server.ts, LOG_LEVEL=warn), creates and funds ≥ 10,000 wallets through
 * the ledger, bulk-generates ≥ 1,000,000 history lines, then drives real authenticated HTTP:
 *   1. transfers, random pairs, 64 connections, a fresh Idempotency-Key per request
 *   2. transfers, one hot recipient
 *   3. GET /api/wallet/balance
 *   4. GET /api/wallet/transactions?limit=50 at random depths of 25,000-line histories
 * then runs the ledger verifier, and measures the raw database ceiling (minimal SQL transfer loop on
 * mysql2, same concurrency) for the end-to-end / raw ratio. Knobs (env): BENCH_SECONDS, BENCH_WALLETS,
 * BENCH_CONNECTIONS, BENCH_POOL_SIZE, BENCH_HISTORY_LINES, BENCH_HISTORY_USERS.
 */
import { fork } from "node:child_process";
import { randomInt, randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { applyDevEnv } from "../dev-env.js";
import { ensureDatabase } from "../local/mariadb.js";
import { applyMigrations } from "../local/migrate.js";
import { startLocalStack } from "../local/stack.js";
import { type BenchRequest, closedLoop, type LoadResult, openLoop, percentile, rate } from "./load.js";
import { prepareRawTables, rawTransferLoop } from "./raw-ceiling.js";

const knob = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const SECONDS = knob("BENCH_SECONDS", 15);
const WALLETS = knob("BENCH_WALLETS", 10_000);
const CONNECTIONS = knob("BENCH_CONNECTIONS", 64);
const POOL_SIZE = knob("BENCH_POOL_SIZE", 24);
const HISTORY_LINES = knob("BENCH_HISTORY_LINES", 1_000_000);
const HISTORY_USERS = knob("BENCH_HISTORY_USERS", 40);

const started = Date.now();
const log = (msg: string) => console.log(`[bench +${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}`);

const stack = await startLocalStack({ mariadb: { durable: true, bufferPoolMb: 1024, redoLogMb: 512 } });
let child: ReturnType<typeof fork> | null = null;
const cleanup = async () => {
  child?.kill("SIGTERM");
  await stack.stop().catch(() => {});
};
process.on("SIGINT", () => void cleanup().then(() => process.exit(130)));

try {
  const databaseUrl = await ensureDatabase(stack.mariadb.url, "nexaspay_bench");
  await applyMigrations(databaseUrl);
  // Explicit values first: a developer's .env must never point the benchmark at another database.
  Object.assign(process.env, {
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: String(POOL_SIZE),
    UPSTASH_REDIS_REST_URL: stack.bridge.url,
    UPSTASH_REDIS_REST_TOKEN: stack.bridge.token,
    LOG_LEVEL: "warn",
    LOG_PRETTY: "false",
    NODE_ENV: "development",
  });
  applyDevEnv({
    dataDir: mkdtempSync(join(tmpdir(), "nexaspay-bench-")),
    port: 0,
    databaseUrl,
    upstashUrl: stack.bridge.url,
    upstashToken: stack.bridge.token,
  });
  log(`stack up: MariaDB (durable, 1 GB pool, 512 MB redo) + Redis + bridge; API pool size ${POOL_SIZE}`);

  const serverFile = fileURLToPath(new URL("./server.ts", import.meta.url));
  // BENCH_PROFILE=dir writes a V8 CPU profile of the API process (open in Chrome DevTools).
  const profile = process.env.BENCH_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const server = fork(serverFile, [], {
    execArgv: ["--import", "tsx", ...profile],
    env: process.env,
    stdio: "inherit",
  });
  child = server;
  const baseUrl = await new Promise<string>((resolve, reject) => {
    server.once("message", (m) => resolve((m as { url: string }).url));
    server.once("exit", (code) => reject(new Error(`API server exited (${code})`)));
  });
  const serverCpu = () =>
    new Promise<number>((resolve) => {
      server.once("message", (m) => {
        const { user, system } = (m as { cpu: NodeJS.CpuUsage }).cpu;
        resolve((user + system) / 1000);
      });
      server.send("cpu");
    });

  // lib/ reads the environment at import: only now.
  const { pool } = await import("../../lib/db/index.js");
  const { closeLedgerPool, verifyLedger } = await import("../../lib/ledger/index.js");
  const { encodeCursor } = await import("../../lib/wallet/cursor.js");
  const data = await import("./setup-data.js");

  const senders = await data.createUsers(pool, WALLETS, 1);
  const [hot] = await data.createUsers(pool, 1, 2);
  const whales = await data.createUsers(pool, HISTORY_USERS, 3);
  const users = await data.openSessions(pool, senders);
  const whaleUsers = await data.openSessions(pool, whales);
  log(`${WALLETS} wallets + 1 hot recipient + ${HISTORY_USERS} history users created, sessions opened`);
  await data.fundWallets(
    users.map((u) => u.id),
    100_000,
    String(Date.now()),
  );
  log(`${WALLETS} wallets funded through the ledger (₹1,000 each)`);
  const perWhale = Math.ceil(HISTORY_LINES / HISTORY_USERS);
  const hist0 = Date.now();
  for (const w of whales) await data.generateHistory(pool, w.id, perWhale, String(started % 100000));
  const [[{ n: lines }]] = (await pool.query("SELECT COUNT(*) AS n FROM transactions")) as unknown as [[{ n: number }]];
  log(
    `history: ${perWhale * HISTORY_USERS} lines generated in ${((Date.now() - hist0) / 1000).toFixed(1)} s; transactions table now ${lines} lines`,
  );

  const json = { "content-type": "application/json" };
  const auth = (u: { token: string }) => ({ authorization: `Bearer ${u.token}` });
  const pick = () => users[randomInt(users.length)] as (typeof users)[number];
  const transferTo = (to: () => string) => (): BenchRequest => {
    const from = pick();
    let recipient = to();
    while (recipient === from.userCode) recipient = to();
    return {
      method: "POST",
      path: "/api/wallet/transfers",
      headers: { ...json, ...auth(from), "idempotency-key": randomUUID() },
      body: JSON.stringify({ recipient, amountPaise: 1 + randomInt(200) }),
    };
  };
  const randomPair = transferTo(() => pick().userCode);
  const hotRecipient = transferTo(() => hot?.userCode ?? "");

  // Server CPU per phase: cores busy, and CPU ms per request — the figure that stays meaningful when
  // other processes share the machine (latency and throughput do not).
  const cpu = new Map<LoadResult, { cores: number; msPerRequest: number }>();
  const measured = async (label: string, run: () => Promise<LoadResult>) => {
    const c0 = await serverCpu();
    const r = await run();
    const ms = (await serverCpu()) - c0;
    cpu.set(r, { cores: ms / (r.seconds * 1000), msPerRequest: ms / Math.max(1, r.requests) });
    log(`${label}: ${r.requests} requests, ${rate(r).toFixed(0)}/s ok, statuses ${JSON.stringify(r.byStatus)}`);
    return r;
  };

  await closedLoop({ name: "warm-up", baseUrl, seconds: 3, connections: CONNECTIONS, make: randomPair });
  const random = await measured("transfers random", () =>
    closedLoop({
      name: "transfers, random pairs",
      baseUrl,
      seconds: SECONDS,
      connections: CONNECTIONS,
      make: randomPair,
    }),
  );
  const hotRun = await measured("transfers hot", () =>
    closedLoop({
      name: "transfers, hot recipient",
      baseUrl,
      seconds: SECONDS,
      connections: CONNECTIONS,
      make: hotRecipient,
    }),
  );
  const balance = await measured("balance", () =>
    closedLoop({
      name: "GET balance",
      baseUrl,
      seconds: 8,
      connections: CONNECTIONS,
      make: () => ({ method: "GET", path: "/api/wallet/balance", headers: auth(pick()) }),
    }),
  );
  // Open loop below the per-user read limit (walletReadPerUser × history users), random depth.
  const history = await measured("history", () =>
    openLoop({
      name: "GET 50-line history page",
      baseUrl,
      seconds: 10,
      rate: Math.min(300, HISTORY_USERS * 8),
      make: () => {
        const w = whaleUsers[randomInt(whaleUsers.length)] as (typeof whaleUsers)[number];
        const seq = randomInt(perWhale + 1);
        const cursor = seq > 50 ? `&cursor=${encodeCursor(seq)}` : "";
        return { method: "GET", path: `/api/wallet/transactions?limit=50${cursor}`, headers: auth(w) };
      },
    }),
  );

  const v0 = Date.now();
  const verdict = await verifyLedger();
  const verifySeconds = (Date.now() - v0) / 1000;
  log(`verifier: ${verdict.ok ? "clean" : `${verdict.violations.length} violations`} in ${verifySeconds.toFixed(1)} s`);
  for (const v of verdict.violations.slice(0, 10)) console.log(`  ${v.check}: ${v.detail}`);
  const serverExited = new Promise((r) => server.once("exit", r));
  server.send("stop");
  await serverExited;
  await closeLedgerPool();
  await pool.end();

  await prepareRawTables(databaseUrl, WALLETS);
  const rawPick = (): [number, number] => {
    const a = 1 + randomInt(WALLETS);
    let b = 1 + randomInt(WALLETS);
    while (b === a) b = 1 + randomInt(WALLETS);
    return [a, b];
  };
  const rawRandom = await rawTransferLoop({
    name: "raw SQL, random pairs",
    databaseUrl,
    connections: CONNECTIONS,
    seconds: 8,
    pick: rawPick,
  });
  const rawHot = await rawTransferLoop({
    name: "raw SQL, hot recipient",
    databaseUrl,
    connections: CONNECTIONS,
    seconds: 8,
    pick: () => [2 + randomInt(WALLETS - 1), 1],
  });

  const row = (r: LoadResult, target: string) => {
    const errors = Object.entries(r.byStatus)
      .filter(([s]) => Number(s) < 200 || Number(s) >= 300)
      .map(([s, n]) => `${s === "0" ? "net" : s}×${n}`)
      .join(" ");
    return [
      r.name.padEnd(26),
      String(r.latencies.length).padStart(7),
      rate(r).toFixed(0).padStart(7),
      percentile(r.latencies, 50).toFixed(1).padStart(7),
      percentile(r.latencies, 99).toFixed(1).padStart(7),
      (errors || "-").padEnd(14),
      (cpu.has(r) ? `${cpu.get(r)?.cores.toFixed(2)} / ${cpu.get(r)?.msPerRequest.toFixed(2)}` : "-").padEnd(12),
      target,
    ].join("  ");
  };
  const mark = (pass: boolean) => (pass ? "PASS" : "MISS");
  const p99 = (r: LoadResult) => percentile(r.latencies, 99);
  console.log(`
NexasPay wallet benchmark — ${WALLETS} wallets, ${CONNECTIONS} connections, ${SECONDS} s per transfer phase,
transactions table ${lines} lines, API pool ${POOL_SIZE}; 2 shared cores, loopback (absolute numbers are relative)

${["phase".padEnd(26), "ok".padStart(7), "per s".padStart(7), "p50 ms".padStart(7), "p99 ms".padStart(7), "errors".padEnd(14), "API cpu/ms·req".padEnd(12), "target"].join("  ")}
${row(random, `≥1000/s, p99≤100 ms: ${mark(rate(random) >= 1000 && p99(random) <= 100)}`)}
${row(hotRun, `≥80% of random: ${mark(rate(hotRun) >= 0.8 * rate(random))} (${((100 * rate(hotRun)) / rate(random)).toFixed(0)}%)`)}
${row(balance, `p99≤5 ms: ${mark(p99(balance) <= 5)}`)}
${row(history, `p99≤10 ms: ${mark(p99(history) <= 10)}`)}
${row(rawRandom, "raw DB ceiling")}
${row(rawHot, "raw DB ceiling")}

end-to-end / raw: random ${((100 * rate(random)) / rate(rawRandom)).toFixed(0)}%, hot ${((100 * rate(hotRun)) / rate(rawHot)).toFixed(0)}%
API cpu = cores the API process kept busy / its CPU ms per request (load generator and Upstash bridge run in this process)
ledger verifier after the run: ${verdict.ok ? "clean (all checks)" : `${verdict.violations.length} VIOLATIONS`} in ${verifySeconds.toFixed(1)} s
total ${((Date.now() - started) / 1000).toFixed(0)} s
`);
  await cleanup();
  process.exit(verdict.ok ? 0 : 1);
} catch (error) {
  console.error(error);
  await cleanup();
  process.exit(1);
}
