/**
 * Headless Chromium for browser tests: the Debian `chromium` package driven by playwright-core (no
 * Playwright browser download). Missing → installed with apt-get when running as root, otherwise a
 * clear failure naming the command — by the global setup, before any test's time limit runs (an
 * install takes minutes on a fresh machine). Each launch gets a fresh profile directory, removed on close.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium } from "playwright-core";
import { installWithApt } from "../../scripts/local/binaries.js";

export const CHROMIUM_PATH = "/usr/bin/chromium";

/** Returns the Chromium path, installing the Debian package first if needed (root only). */
export function ensureChromium(): string {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  installWithApt(["chromium"], "[test-setup]");
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`\`apt-get install chromium\` did not provide ${CHROMIUM_PATH}`);
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
