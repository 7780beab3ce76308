/**
 * `npm run bench -- wake-cost`: what one message between two processes costs in CPU on this machine,
 * back to back and with a 10 ms pause between round trips (a process that has gone idle must be woken).
 * The API talks to MariaDB, the bridge and its client this way several times per request, so this is
 * the floor under every request's CPU, and why CPU per read grows as the arrival rate falls.
 */
import { fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { percentile } from "./load.js";

const cpuMicros = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

if (process.argv[2] === "echo") {
  // The other process: echoes every byte, and reports its CPU when asked.
  const server = createServer((socket) => socket.on("data", (d) => socket.write(d)));
  server.listen(process.argv[3], () => process.send?.("ready"));
  process.on("message", () => process.send?.(cpuMicros()));
  process.on("disconnect", () => process.exit(0));
} else {
  const dir = mkdtempSync(join(tmpdir(), "nexaspay-wake-"));
  const path = join(dir, "echo.sock");
  const echo = fork(fileURLToPath(import.meta.url), ["echo", path], { execArgv: ["--import", "tsx"] });
  await new Promise((resolve) => echo.once("message", resolve));
  const echoCpu = () =>
    new Promise<number>((resolve) => {
      echo.once("message", (m) => resolve(m as number));
      echo.send("cpu");
    });
  const socket = connect(path);
  await new Promise((resolve) => socket.once("connect", resolve));
  const roundTrip = () =>
    new Promise((resolve) => {
      socket.once("data", resolve);
      socket.write("x");
    });
  for (let i = 0; i < 2000; i++) await roundTrip(); // warm-up

  console.log("CPU µs per Unix-socket round trip between two processes (this side / the echo side):");
  for (const gapMs of [0, 10, 0, 10]) {
    const n = gapMs ? 1000 : 4000;
    const [mine0, theirs0] = [cpuMicros(), await echoCpu()];
    const wallMs: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      await roundTrip();
      wallMs.push(performance.now() - t);
      if (gapMs) await new Promise((resolve) => setTimeout(resolve, gapMs));
    }
    const [mine, theirs] = [(cpuMicros() - mine0) / n, ((await echoCpu()) - theirs0) / n];
    wallMs.sort((a, b) => a - b);
    const at = (p: number) => percentile(wallMs, p).toFixed(2);
    console.log(
      `  ${gapMs ? `${gapMs} ms apart  ` : "back to back"}: ${mine.toFixed(0)} / ${theirs.toFixed(0)} µs CPU; ` +
        `wall ms p50 ${at(50)}, p99 ${at(99)}, max ${at(100)}`,
    );
  }
  console.log("  (this side's CPU includes its own timer wake-up when the round trips are apart)");
  socket.destroy();
  echo.kill();
  rmSync(dir, { recursive: true, force: true });
}
