/** The benchmark's summary table: one row per phase, targets marked PASS/MISS, ratios underneath. */
import { type LoadResult, percentile, rate } from "./load.js";

export type Cpu = { cores: number; msPerRequest: number };
/** `serverP99`: the API processes' own p99 (arrival to last byte), beside the client's. */
export type Phase = { result: LoadResult; cpu?: Cpu; serverP99?: number; target: string };

function row({ result: r, cpu, serverP99, target }: Phase): string {
  const errors = Object.entries(r.byStatus)
    .filter(([s]) => Number(s) < 200 || Number(s) >= 300)
    .map(([s, n]) => `${s === "0" ? "net" : s}×${n}`)
    .join(" ");
  return [
    r.name.padEnd(30),
    String(r.latencies.length).padStart(7),
    rate(r).toFixed(0).padStart(6),
    percentile(r.latencies, 50).toFixed(1).padStart(7),
    percentile(r.latencies, 99).toFixed(1).padStart(7),
    (serverP99 === undefined ? "-" : serverP99.toFixed(1)).padStart(7),
    (errors || "-").padEnd(12),
    (cpu ? `${cpu.cores.toFixed(2)} / ${cpu.msPerRequest.toFixed(2)}` : "-").padEnd(12),
    target,
  ].join("  ");
}

export function printReport(opts: { title: string; phases: Phase[]; notes: string[] }): void {
  const header = [
    "phase".padEnd(30),
    "ok".padStart(7),
    "per s".padStart(6),
    "p50 ms".padStart(7),
    "p99 ms".padStart(7),
    "srv p99".padStart(7),
  ];
  console.log(
    [
      "",
      opts.title,
      "",
      [...header, "errors".padEnd(12), "API cpu".padEnd(12), "target"].join("  "),
      ...opts.phases.map(row),
      "",
      ...opts.notes,
      "",
    ].join("\n"),
  );
}

export const mark = (pass: boolean) => (pass ? "PASS" : "MISS");
export const p99 = (r: LoadResult) => percentile(r.latencies, 99);

/** A verifier run's slowest checks, e.g. "posting_sums_to_zero 4.1 s, line_hash 3.0 s, …". */
export function slowestChecks(checkMs: Record<string, number>, count = 4): string {
  return Object.entries(checkMs)
    .sort(([, a], [, b]) => b - a)
    .slice(0, count)
    .map(([name, ms]) => `${name} ${(ms / 1000).toFixed(1)} s`)
    .join(", ");
}
