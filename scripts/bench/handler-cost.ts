/**
 * `npm run bench:handler-cost`: client CPU per call of whole API handlers, in-process (no HTTP, no
 * dev-server adapter): a P2P transfer, a balance read, a 50-line history page. The Upstash bridge runs in
 * its own process (like the remote service); MariaDB and Redis are separate processes too, so the figure
 * is what one function instance spends per request. 16 calls in flight, 3,000 measured after 600 warm-up.
 */

import { randomInt, randomUUID } from "node:crypto";
import { boxSpeedMs } from "./box-speed.js";
import { startInProcessBench } from "./in-process.js";
import { cpuTicks } from "./settle.js";

console.log(`box speed probe: ${boxSpeedMs().toFixed(0)} CPU ms (1,430 on a quiet host; see box-speed.ts)`);
const bench = await startInProcessBench("handler_cost");

const { pool } = await import("../../lib/db/index.js");
const { closeLedgerPool } = await import("../../lib/ledger/index.js");
const data = await import("./setup-data.js");
const users = await data.openSessions(pool, await data.createUsers(pool, 2000, 1));
// Many whales: the per-user read limit must never answer 429 here.
const whales = await data.openSessions(pool, await data.createUsers(pool, 200, 3));
await data.fundWallets(
  users.map((u) => u.id),
  10_000_000,
  String(Date.now()),
);
await data.generateHistory(pool, whales, 2000, String(Date.now() % 100000));
const transfers = await import("../../api/wallet/transfers.js");
const balance = await import("../../api/wallet/balance.js");
const history = await import("../../api/wallet/transactions.js");
const { transactionCursor } = await import("../../lib/wallet/cursor.js");

const pick = <T>(xs: T[]) => xs[randomInt(xs.length)] as T;
/** MariaDB's statement counters: how many statements (and which) one call costs the database. */
async function statements(): Promise<Record<string, number>> {
  const [rows] = (await pool.query(
    "SHOW GLOBAL STATUS WHERE Variable_name IN ('Questions','Com_select','Com_insert','Com_update','Com_commit','Com_begin')",
  )) as unknown as [{ Variable_name: string; Value: string }[]];
  return Object.fromEntries(rows.map((r) => [r.Variable_name.replace("Com_", ""), Number(r.Value)]));
}
/** CPU ms of the other processes, from /proc (10 ms ticks: fine over thousands of calls). */
const othersMs = () => Object.values(bench.pids).map((pid) => cpuTicks(pid) * 10);

async function measure(name: string, call: () => Promise<Response>, n = 3000, warm = 600) {
  const run = async (count: number) => {
    let i = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (i++ < count) {
          const res = await call();
          await res.text();
          if (res.status >= 300) throw new Error(`${name}: ${res.status}`);
        }
      }),
    );
  };
  await run(warm);
  const [q0, o0] = [await statements(), othersMs()];
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await run(n);
  const c = process.cpuUsage(c0);
  const s = (performance.now() - t0) / 1000;
  const [q1, o1] = [await statements(), othersMs()];
  const other = o1.map((v, i) => ((v - (o0[i] ?? 0)) / n).toFixed(2));
  const perCall = Object.entries(q1)
    // The SHOW STATUS that read q1 counts as one question and one select itself.
    .map(([k, v]) => `${k} ${((v - (q0[k] ?? 0) - (k === "Questions" || k === "select" ? 1 : 0)) / n).toFixed(1)}`)
    .join(", ");
  console.log(
    `${name.padEnd(28)} CPU ${((c.user + c.system) / 1000 / n).toFixed(3)} ms/call (user ${(c.user / 1000 / n).toFixed(3)}), ` +
      `MariaDB/Redis/bridge ${other.join("/")} ms/call, ${(n / s).toFixed(0)}/s in-process\n` +
      `${"".padEnd(28)} statements per call: ${perCall}`,
  );
}
const post = (u: (typeof users)[number]) => {
  let to = pick(users);
  while (to.id === u.id) to = pick(users);
  return transfers.POST(
    new Request("http://x/api/wallet/transfers", {
      method: "POST",
      headers: {
        authorization: `Bearer ${u.token}`,
        "content-type": "application/json",
        "idempotency-key": randomUUID(),
      },
      body: JSON.stringify({ recipient: to.userCode, amountPaise: 1 + randomInt(100) }),
    }),
  );
};
const get = (path: string, u: { token: string }) =>
  (path.includes("balance") ? balance : history).GET(
    new Request(`http://x${path}`, { headers: { authorization: `Bearer ${u.token}` } }),
  );
/** `ONLY=transfer|balance|history` measures one handler (e.g. under --cpu-prof). */
const only = process.env.ONLY;
const wanted = (name: string) => !only || name.includes(only);
for (let round = 0; round < 2; round++) {
  if (wanted("transfer")) await measure("POST transfer", () => post(pick(users)));
  if (wanted("balance")) await measure("GET balance", () => get("/api/wallet/balance", pick(users)));
  if (wanted("history")) {
    await measure("GET 50-line history page", () => {
      const seq = randomInt(2001);
      const cursor = seq > 50 ? `&cursor=${transactionCursor.encode(seq)}` : "";
      return get(`/api/wallet/transactions?limit=50${cursor}`, pick(whales));
    });
  }
}
// Let the last coalesced replay-cache writes (waitUntil work, ≤ 10 ms) land before Redis goes away.
await new Promise((r) => setTimeout(r, 100));
await closeLedgerPool();
await pool.end();
await bench.stop();
process.exit(0);
