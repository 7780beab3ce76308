/**
 * The README's dev command for real: `tsx scripts/dev.ts` in a child process with its own data dir,
 * answered over HTTP, then killed with SIGKILL — and its MariaDB and Redis must die with it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../../scripts/local/free-port.js";

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function waitFor<T>(fn: () => T | undefined | Promise<T | undefined>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const v = await fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("timed out");
}

let child: ChildProcess | undefined;
const dataDir = mkdtempSync(join(tmpdir(), "nexaspay-devtest-"));
afterAll(() => {
  child?.kill("SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

describe("npm run dev", () => {
  it("serves the API over HTTP and leaves nothing behind after kill -9", async () => {
    const port = await freePort();
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      PORT: String(port),
      NEXASPAY_DATA_DIR: dataDir,
    };
    delete env.VITEST;
    // What a developer's shell may hold (exported for a migration against production): the local stack
    // must run on its own database and simulators regardless, never on these.
    Object.assign(env, {
      DATABASE_URL: "mysql://nexaspay:secret@192.0.2.1:3306/nexaspay",
      DATABASE_SSL: "true",
      NODE_ENV: "production",
      NOTIFY_PROVIDER: "msg91",
      UPSTASH_REDIS_REST_URL: "https://example-prod.upstash.io",
      PUBLIC_BASE_URL: "https://api.nexaspay.example",
      PHONEPE_PG_BASE_URL: "https://api.phonepe.com/apis/pg",
    });
    child = spawn(process.execPath, ["--import", "tsx", "scripts/dev.ts"], { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr?.on("data", (d: Buffer) => {
      out += d.toString();
    });
    await waitFor(() => (out.includes("NexasPay API ready") ? true : undefined), 90_000).catch(() => {
      throw new Error(`dev server did not start:\n${out}`);
    });
    const pids = [...out.matchAll(/\(pid (\d+)/g)].map((m) => Number(m[1]));
    expect(pids).toHaveLength(2);
    const base = `http://127.0.0.1:${port}`;

    const health = await fetch(`${base}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "ok", db: "ok", redis: "ok" });

    const unknown = await fetch(`${base}/api/no-such-route`);
    expect(unknown.status).toBe(404);
    const unknownBody = (await unknown.json()) as { error: { code: string; requestId: string } };
    expect(unknownBody.error.code).toBe("NOT_FOUND");
    expect(unknown.headers.get("x-request-id")).toBe(unknownBody.error.requestId);

    const wrongMethod = await fetch(`${base}/api/health`, { method: "DELETE" });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("x-request-id")).toMatch(/^req_/);
    expect(((await wrongMethod.json()) as { error: { code: string } }).error.code).toBe("METHOD_NOT_ALLOWED");

    child.kill("SIGKILL");
    await waitFor(() => (pids.every((pid) => !alive(pid)) ? true : undefined), 15_000);
    for (const pid of pids) expect(alive(pid)).toBe(false);
  });
});
