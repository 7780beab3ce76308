/**
 * One measured phase of `bench:transfers`: the phase runs between two readings of every process's CPU,
 * the InnoDB lock counters and the hypervisor's steal, and the API processes report the requests they
 * answered and their GC pauses in between. Logs one line per phase and returns what the report needs.
 */
import type { Pool } from "mysql2/promise";
import { type LoadResult, percentile, rate } from "./load.js";
import type { BenchProcesses, ServedWindow } from "./processes.js";
import type { Cpu } from "./report.js";
import { cpuTicks, stolenTicks } from "./settle.js";

export type MeasuredPhase = {
  result: LoadResult;
  /** The API processes: cores busy and CPU ms per request. */
  cpu: Cpu;
  /** The API processes' own p99, from a request's arrival to its answer's last byte. */
  serverP99: number;
  /** Every process's CPU per request, their sum and what it allows on 2 cores. */
  breakdown: string;
};

export function phaseMeter(deps: {
  pool: Pool;
  procs: BenchProcesses;
  loadGeneratorCpuMs: () => Promise<number>;
  log: (msg: string) => void;
}) {
  const { pool, procs, log } = deps;
  // InnoDB counters tell whether a phase waited on row locks or re-ran deadlocked postings.
  const innodb = async () => {
    const [rows] = (await pool.query(
      "SHOW GLOBAL STATUS WHERE Variable_name IN ('Innodb_deadlocks', 'Innodb_row_lock_waits', 'Innodb_row_lock_time')",
    )) as unknown as [{ Variable_name: string; Value: string }[]];
    return Object.fromEntries(rows.map((r) => [r.Variable_name, Number(r.Value)]));
  };
  // Every process on the two cores, in CPU ms so far: where a request's CPU goes, all of it.
  const processCpuMs = async () => ({
    API: await procs.serverCpuMs(),
    "load generator": await deps.loadGeneratorCpuMs(),
    MariaDB: cpuTicks(procs.pids.mariadb) * 10,
    bridge: cpuTicks(procs.pids.bridge) * 10,
    redis: cpuTicks(procs.pids.redis) * 10,
  });

  return async function measure(label: string, run: () => Promise<LoadResult>): Promise<MeasuredPhase> {
    await procs.served(); // drops what earlier (warm-up) requests recorded
    const [i0, p0, s0] = [await innodb(), await processCpuMs(), stolenTicks()];
    const r = await run();
    // Share of the two cores the hypervisor gave to other tenants while the phase ran.
    const stolen = (stolenTicks() - s0) / (r.seconds * 100 * 2);
    const p1 = await processCpuMs();
    const perRequest = Object.entries(p1).map(([k, v]) => [k, (v - p0[k as keyof typeof p0]) / r.requests] as const);
    const total = perRequest.reduce((a, [, v]) => a + v, 0);
    const servedWindow = await procs.served();
    const i1 = await innodb();
    const delta = (k: string) => (i1[k] ?? 0) - (i0[k] ?? 0);
    log(
      `${label}: ${r.requests} requests, ${rate(r).toFixed(0)}/s ok, statuses ${JSON.stringify(r.byStatus)}; ` +
        `InnoDB deadlocks ${delta("Innodb_deadlocks")}, row-lock waits ${delta("Innodb_row_lock_waits")} ` +
        `(${delta("Innodb_row_lock_time")} ms); ${gcSummary(servedWindow)}`,
    );
    const apiMs = p1.API - p0.API;
    return {
      result: r,
      cpu: { cores: apiMs / (r.seconds * 1000), msPerRequest: apiMs / Math.max(1, r.requests) },
      serverP99: percentile(
        [...servedWindow.servedMs].sort((a, b) => a - b),
        99,
      ),
      breakdown:
        `CPU ms per request: ${perRequest.map(([k, v]) => `${k} ${v.toFixed(2)}`).join(", ")}; ` +
        `total ${total.toFixed(2)} (2 cores ⇒ at most ${(2000 / total).toFixed(0)}/s; ` +
        `${((total * r.requests) / (r.seconds * 1000)).toFixed(2)} of the 2 cores busy); ` +
        `stolen by the hypervisor: ${(100 * stolen).toFixed(0)} % of the cores`,
    };
  };
}

/**
 * The API processes' GC pauses in one phase (how many, their sum, the longest three) and the server-side
 * p99 of the requests that no pause overlapped: how much of the tail GC explains.
 */
function gcSummary(w: ServedWindow): string {
  const longest = [...w.gcPausesMs].sort((a, b) => b - a).slice(0, 3);
  const total = w.gcPausesMs.reduce((a, b) => a + b, 0);
  const clear = [...w.clearOfGcMs].sort((a, b) => a - b);
  return (
    `API GC pauses ${w.gcPausesMs.length}, ${total.toFixed(0)} ms in all, longest ${longest.map((d) => d.toFixed(1)).join(" / ") || "-"} ms; ` +
    `srv p99 of the ${clear.length} of ${w.servedMs.length} requests no pause overlapped ${percentile(clear, 99).toFixed(1)} ms`
  );
}
