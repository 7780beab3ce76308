/**
 * Waits until a process is nearly idle: after the write phases MariaDB keeps purging undo logs and
 * flushing dirty pages for a while, and read latency measured during that is the latency of a machine
 * still busy with the previous phase. Reads the process's CPU time from /proc (Linux) once a second.
 */
import { readFileSync } from "node:fs";

/** utime + stime of `pid` in clock ticks (fields 14 and 15 of /proc/<pid>/stat). */
export function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]);
}

/** Resolves with the seconds waited once `pid` used under `maxShare` of a core over one second (≤ 60 s). */
export async function settle(pid: number, maxShare = 0.05): Promise<number> {
  const started = Date.now();
  const ticksPerSecond = 100; // USER_HZ on Linux
  let last = cpuTicks(pid);
  while (Date.now() - started < 60_000) {
    await new Promise((r) => setTimeout(r, 1000));
    const now = cpuTicks(pid);
    const share = (now - last) / ticksPerSecond;
    last = now;
    if (share <= maxShare) break;
  }
  return (Date.now() - started) / 1000;
}

/** Ticks the hypervisor took from this VM's CPUs so far (the `steal` field of /proc/stat's cpu line). */
export function stolenTicks(): number {
  const cpu = readFileSync("/proc/stat", "utf8").split("\n")[0]?.trim().split(/\s+/) ?? [];
  return Number(cpu[8] ?? 0);
}
