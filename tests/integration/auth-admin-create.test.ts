/**
 * `npm run admin:create` for real, as a child process: against DATABASE_URL (production style), and
 * against a running `npm run dev` stack found through its data directory (no DATABASE_URL).
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import * as loginRoute from "../../api/auth/login.js";
import { users } from "../../db/schema/index.js";
import { db, pool } from "../../lib/db/index.js";
import { freePort } from "../../scripts/local/free-port.js";
import { call } from "../helpers/request.js";

const run = promisify(execFile);
let devChild: ChildProcess | undefined;
const dataDir = mkdtempSync(join(tmpdir(), "nexaspay-admintest-"));

afterAll(async () => {
  if (devChild?.pid) devChild.kill("SIGINT");
  await new Promise((r) => setTimeout(r, 1500));
  if (devChild && devChild.exitCode === null) devChild.kill("SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
  await pool.end();
});

const adminCreate = (args: string[], env: NodeJS.ProcessEnv) =>
  run(process.execPath, ["--import", "tsx", "scripts/admin-create.ts", ...args], { env, timeout: 60_000 }).then(
    (r) => ({ code: 0, out: r.stdout + r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
  );

const args = (n: string, password = "Admin-pass-2024!") => [
  "--email",
  `root${n}@nexaspay.example`,
  "--phone",
  `+91 6${n.padStart(9, "0")}`,
  "--username",
  `root${n}`,
  "--password",
  password,
];

describe("npm run admin:create", () => {
  it("creates an admin in DATABASE_URL's database who can log in; duplicates and weak passwords are refused", async () => {
    const n = String(Date.now()).slice(-7);
    const created = await adminCreate(args(n), process.env);
    expect(created.code, created.out).toBe(0);
    expect(created.out).toMatch(/admin created: id \d+, user code NXP/);
    expect(created.out).not.toContain("Admin-pass-2024!");
    const [row] = await db
      .select()
      .from(users)
      .where(eq(users.username, `root${n}`));
    expect(row).toMatchObject({ role: "admin", phone: `6${n.padStart(9, "0")}`, phoneVerified: true });
    expect(row?.password).toMatch(/^\$2[ab]\$/);
    const login = await call<{ user: { role: string } }>(loginRoute, {
      method: "POST",
      path: "/api/auth/login",
      ip: "10.7.7.7",
      body: { identifier: `root${n}`, password: "Admin-pass-2024!" },
    });
    expect(login.status).toBe(200);
    expect(login.body.user.role).toBe("admin");

    const again = await adminCreate(args(n), process.env);
    expect(again.code).toBe(1);
    expect(again.out).toContain("CONFLICT");
    const weak = await adminCreate(args(String(Number(n) + 1), "short"), process.env);
    expect(weak.code).toBe(2);
    expect(weak.out).toContain("--password");
  });

  it("works against the running dev stack when DATABASE_URL is unset", async () => {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), NEXASPAY_DATA_DIR: dataDir };
    for (const key of Object.keys(env)) {
      if (
        /^(DATABASE_URL|UPSTASH_|PUBLIC_BASE_URL|PHONEPE_|NODE_ENV|VITEST|JWT_|OTP_PEPPER|DATA_ENC|BLIND_|CRON_)/.test(
          key,
        )
      ) {
        delete env[key];
      }
    }
    devChild = spawn(process.execPath, ["--import", "tsx", "scripts/dev.ts"], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    devChild.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
    });
    devChild.stderr?.on("data", (d: Buffer) => {
      out += d.toString();
    });
    const deadline = Date.now() + 90_000;
    while (!out.includes("NexasPay API ready")) {
      if (Date.now() > deadline || devChild.exitCode !== null) throw new Error(`dev server did not start:\n${out}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const n = String(Date.now() + 13).slice(-7);
    const created = await adminCreate(args(n), env);
    expect(created.code, created.out).toBe(0);
    const res = await fetch(`http://127.0.0.1:${port}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ identifier: `root${n}@nexaspay.example`, password: "Admin-pass-2024!" }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { user: { role: string } }).user.role).toBe("admin");
  });
});
