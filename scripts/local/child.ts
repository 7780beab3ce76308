/** Spawning server children that die with their parent, even when the parent is SIGKILLed. */
import { type ChildProcess, spawn } from "node:child_process";

/**
 * `setpriv --pdeathsig SIGKILL` makes the kernel kill the child when our process dies, so
 * `kill -9` of the dev command or the test runner leaves no mariadbd or redis-server behind.
 */
export function spawnTied(command: string, args: string[], setpriv: string | null, logPrefix?: string): ChildProcess {
  const [cmd, argv] = setpriv ? [setpriv, ["--pdeathsig", "SIGKILL", "--", command, ...args]] : [command, args];
  const child = spawn(cmd, argv, { stdio: ["ignore", "pipe", "pipe"] });
  if (logPrefix) {
    child.stderr?.on("data", (d: Buffer) => process.stderr.write(`${logPrefix} ${d}`));
  }
  return child;
}

/** Resolves with the exit code (or signal) when the child ends. */
export function exited(child: ChildProcess): Promise<number | string | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal)));
}

/** SIGTERM, then SIGKILL if the child has not gone within `graceMs`. */
export async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const done = exited(child);
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await done;
  clearTimeout(timer);
}
