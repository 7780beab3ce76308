/**
 * Finds the server binaries the local stack needs. Missing ones are installed with apt-get when we
 * run as root; otherwise we stop with the exact command to run.
 */
import { execFileSync, spawnSync } from "node:child_process";
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

function installWithApt(packages: string[]): void {
  const command = `apt-get install -y ${packages.join(" ")}`;
  if (process.getuid?.() !== 0) {
    throw new Error(
      `Missing ${packages.join(", ")}. Install them first:\n\n  sudo apt-get update && sudo ${command}\n`,
    );
  }
  console.error(`[local-stack] installing ${packages.join(", ")} with apt-get (running as root)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
  const result = spawnSync("apt-get", ["install", "-y", "-qq", ...packages], { stdio: "inherit", env });
  if (result.status !== 0) throw new Error(`apt-get install failed (exit ${result.status}); run: ${command}`);
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
