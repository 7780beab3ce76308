/**
 * A fixed single-threaded CPU workload (SHA-256 over 300 MB, then an integer loop), timed. It took
 * 1.43 s of CPU on the dev box when the host was quiet and up to 2.17 s while its other tenants were
 * busy (2026-11-22), and every figure of a benchmark moves with it: printed beside the results, it says
 * which kind of machine produced them.
 */
import { createHash } from "node:crypto";

export function boxSpeedMs(): number {
  const buf = Buffer.alloc(1 << 20, 7);
  const c0 = process.cpuUsage();
  for (let i = 0; i < 300; i++) createHash("sha256").update(buf).digest();
  let x = 0;
  for (let i = 0; i < 3e8; i++) x = (x + i * 7) % 1_000_003;
  const c = process.cpuUsage(c0);
  // x is used so the loop cannot be optimised away.
  return (c.user + c.system) / 1000 + (x < 0 ? 1 : 0);
}
