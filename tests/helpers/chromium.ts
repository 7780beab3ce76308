/**
 * Headless Chromium for browser tests: the Debian `chromium` package driven by playwright-core (no
 * Playwright browser download). Missing → installed with apt-get when running as root, otherwise a
 * clear failure naming the command. Each launch gets a fresh profile directory, removed on close.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium } from "playwright-core";

export const CHROMIUM_PATH = "/usr/bin/chromium";
const INSTALL = ["apt-get", "install", "-y", "chromium"] as const;

/** Returns the Chromium path, installing the Debian package first if needed (root only). */
export function ensureChromium(): string {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  if (process.getuid?.() !== 0) {
    throw new Error(`Chromium is missing at ${CHROMIUM_PATH}. Install it with: sudo ${INSTALL.join(" ")}`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  try {
    execFileSync(INSTALL[0], INSTALL.slice(1), { stdio: "inherit", env, timeout: 15 * 60_000 });
  } catch {
    // A stale package index is the usual cause: refresh once, then try again.
    execFileSync("apt-get", ["update"], { stdio: "inherit", env, timeout: 10 * 60_000 });
    execFileSync(INSTALL[0], INSTALL.slice(1), { stdio: "inherit", env, timeout: 15 * 60_000 });
  }
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`\`${INSTALL.join(" ")}\` did not provide ${CHROMIUM_PATH}`);
  return CHROMIUM_PATH;
}

export type Browser = { context: BrowserContext; close(): Promise<void> };

/** Launches headless Chromium with a fresh profile (the flags keep it offline-quiet and sandbox-free for CI). */
export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  const executablePath = ensureChromium();
  const userDataDir = mkdtempSync(join(tmpdir(), "nexaspay-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      ...extraArgs,
    ],
  });
  return {
    context,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
