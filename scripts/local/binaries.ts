/**
 * Finds the server binaries the local stack needs. Missing ones are installed with apt-get when we
 * run as root; otherwise we stop with the exact command to run.
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";

const SEARCH = ["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin", "/sbin", "/bin"];

function which(name: string): string | null {
  const dirs = [...(process.env.PATH ?? "").split(":").filter(Boolean), ...SEARCH];
  for (const dir of dirs) {
    try {
      accessSync(`${dir}/${name}`, constants.X_OK);
      return `${dir}/${name}`;
    } catch {}
  }
  return null;
}

export type Binaries = { mariadbd: string; installDb: string; redisServer: string; setpriv: string | null };

const PACKAGES: Record<string, string> = {
  mariadbd: "mariadb-server",
  "mariadb-install-db": "mariadb-server",
  "redis-server": "redis-server",
};

/**
 * Installs Debian packages as root, or stops with the exact command. Waits up to 10 minutes for the
 * dpkg lock: on a fresh VM unattended-upgrades holds it at first boot, and apt-get would fail at once.
 */
export function installWithApt(packages: string[], what = "[local-stack]"): void {
  const command = `apt-get install -y ${packages.join(" ")}`;
  if (process.getuid?.() !== 0) {
    throw new Error(
      `Missing ${packages.join(", ")}. Install them first:\n\n  sudo apt-get update && sudo ${command}\n`,
    );
  }
  console.error(`${what} installing ${packages.join(", ")} with apt-get (running as root)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const lock = ["-o", "DPkg::Lock::Timeout=600"];
  const run = (args: string[]) => {
    const result = spawnSync("apt-get", [...lock, ...args], { stdio: "inherit", env });
    if (result.status !== 0)
      throw new Error(`apt-get ${args[0]} failed (exit ${result.status}); run: apt-get update && ${command}`);
  };
  run(["update", "-qq"]);
  run(["install", "-y", "-qq", ...packages]);
}

/** Locates (installing if needed) mariadbd, mariadb-install-db and redis-server. */
export function ensureBinaries(): Binaries {
  const missing = Object.keys(PACKAGES).filter((b) => !which(b));
  if (missing.length > 0) installWithApt([...new Set(missing.map((b) => PACKAGES[b] as string))]);
  const find = (name: string) => {
    const path = which(name);
    if (!path) throw new Error(`${name} is still missing after installation`);
    return path;
  };
  return {
    mariadbd: find("mariadbd"),
    installDb: find("mariadb-install-db"),
    redisServer: find("redis-server"),
    setpriv: which("setpriv"),
  };
}
