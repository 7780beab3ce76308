/**
 * R3 crash consistency: a private durable MariaDB (flush-at-commit=1, doublewrite) is SIGKILLed while
 * 16 workers run real transfers in a child process; after restart + crash recovery every acknowledged
 * transfer must be there, no posting may be half-written, money is conserved and the verifier is clean.
 * The transfers in doubt (sent, answer lost) are retried with their references and end up posted
 * exactly once each.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import mysql from "mysql2/promise";
import { afterAll, expect, it } from "vitest";
import { verifyLedger } from "../../lib/ledger/verify/verify-ledger.js";
import { ensureBinaries } from "../../scripts/local/binaries.js";
import { ensureDatabase, type MariaDb, startMariaDb } from "../../scripts/local/mariadb.js";
import { applyMigrations } from "../../scripts/local/migrate.js";
import type { InDoubt } from "../helpers/ledger-crash-worker.js";

const dataDir = mkdtempSync(join(tmpdir(), "nexaspay-crash-"));
let server: MariaDb | null = null;

afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

type ChildLog = {
  acked: string[];
  /** Business rejections: definitely not posted. */
  nacked: Set<string>;
  tried: Map<string, InDoubt>;
  resolved: Map<string, string>;
};

/** Runs the worker child; resolves with what it printed. `onAck` sees the running count of acknowledgements. */
function runChild(url: string, args: string[], onAck?: (count: number) => void): Promise<ChildLog> {
  const child = spawn(process.execPath, ["--import", "tsx", "tests/helpers/ledger-crash-worker.ts", ...args], {
    env: { ...process.env, DATABASE_URL: url, DATABASE_POOL_SIZE: "16", LOG_LEVEL: "silent" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const log: ChildLog = { acked: [], nacked: new Set(), tried: new Map(), resolved: new Map() };
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += String(d)));
  createInterface({ input: child.stdout }).on("line", (line) => {
    const [kind = "", reference = "", ...rest] = line.split(" ");
    if (kind === "ACK") {
      log.acked.push(reference);
      onAck?.(log.acked.length);
    } else if (kind === "NACK") log.nacked.add(reference);
    else if (kind === "RESOLVED") log.resolved.set(reference, rest[0] ?? "");
    else if (kind === "TRY") {
      const [senderId, recipient = "", amountPaise] = rest;
      log.tried.set(reference, { reference, senderId: Number(senderId), recipient, amountPaise: Number(amountPaise) });
    }
  });
  const killer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  return new Promise((resolve, reject) =>
    child.on("exit", (code) => {
      clearTimeout(killer);
      if (code === 0) resolve(log);
      else reject(new Error(`worker exited ${code}: ${stderr.slice(-2000)}`));
    }),
  );
}

/** The given references that have a posting. */
async function posted(p: mysql.Pool, references: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < references.length; i += 1000) {
    const [rows] = (await p.query("SELECT reference FROM postings WHERE reference IN (?)", [
      references.slice(i, i + 1000),
    ])) as unknown as [{ reference: string }[]];
    for (const r of rows) found.add(r.reference);
  }
  return found;
}

async function check(url: string, acked: string[]): Promise<number> {
  const p = mysql.createPool({ uri: url, connectionLimit: 2, decimalNumbers: false, timezone: "Z" });
  try {
    const found = await posted(p, acked);
    expect(acked.filter((r) => !found.has(r))).toEqual([]); // no acknowledged transfer lost
    const [[sums]] = (await p.query(
      "SELECT (SELECT SUM(wallet_balance) FROM users) AS wallets, (SELECT SUM(debit_amount - credit_amount) FROM system_ledger_entries) AS funded",
    )) as unknown as [[{ wallets: string; funded: string }]];
    expect(sums.wallets).toBe(sums.funded); // money conserved
    expect((await verifyLedger(p)).violations).toEqual([]); // no half posting, chains intact
    const [[{ n }]] = (await p.query("SELECT COUNT(*) AS n FROM postings WHERE kind = 'p2p'")) as unknown as [
      [{ n: number }],
    ];
    return Number(n) - acked.length; // committed but never acknowledged (in doubt): allowed
  } finally {
    await p.end();
  }
}

it("kill -9 of MariaDB mid-load loses no acknowledged transfer and leaves no half posting (5 rounds)", async () => {
  const bin = ensureBinaries();
  server = await startMariaDb(bin, { dataDir, durable: true });
  let url = await ensureDatabase(server.url, "crash");
  await applyMigrations(url);
  await runChild(url, ["seed", "20"]);
  const allAcked: string[] = [];
  // Five rounds: the figure reliability-recipes.md §4 asks for (the issue asks for at least three).
  for (let round = 0; round < 5; round++) {
    const current = server;
    const started = Date.now();
    // Crash at a random point once the load is really running (count-based: the shared box's speed varies).
    const crashAt = 300 + Math.floor(Math.random() * 700);
    let killed = false;
    const { acked, nacked, tried } = await runChild(url, ["run", "16"], (count) => {
      if (count < crashAt || killed) return;
      killed = true;
      void current.kill9();
    });
    allAcked.push(...acked);
    expect(acked.length).toBeGreaterThanOrEqual(crashAt);
    const loadMs = Date.now() - started;
    const restart = Date.now();
    server = await startMariaDb(bin, { dataDir, durable: true });
    url = await ensureDatabase(server.url, "crash");
    const restartMs = Date.now() - restart;
    const committedUnacked = await check(url, allAcked);
    // The transfers whose answer was lost: a client retries each with its reference, and it then
    // exists exactly once: "existed" where the first attempt had committed, "posted" where it had not.
    const ackedNow = new Set(acked);
    const inDoubt = [...tried.values()].filter((t) => !ackedNow.has(t.reference) && !nacked.has(t.reference));
    const p = mysql.createPool({ uri: url, connectionLimit: 1 });
    const before = await posted(
      p,
      inDoubt.map((t) => t.reference),
    ).finally(() => p.end());
    expect(before.size).toBe(committedUnacked);
    const { resolved } = await runChild(url, ["retry", JSON.stringify(inDoubt)]);
    for (const t of inDoubt) {
      expect(resolved.get(t.reference), t.reference).toBe(before.has(t.reference) ? "existed" : "posted");
    }
    allAcked.push(...inDoubt.map((t) => t.reference));
    expect(await check(url, allAcked)).toBe(0); // every p2p posting is now an acknowledged one
    console.log(
      `[crash] round ${round + 1}: acked ${acked.length} (total ${allAcked.length}), in doubt ${inDoubt.length} (committed ${before.size}), all resolved by retry; load+exit ${loadMs} ms, restart ${restartMs} ms`,
    );
  }
}, 180_000);
