/**
 * Starts the real local stack once per test run (MariaDB + redis-server + Upstash bridge on loopback,
 * throwaway data dir). Workers inherit the URLs through the environment and each uses its own database.
 */
import { startLocalStack } from "../../scripts/local/stack.js";
import { ensureChromium } from "../helpers/chromium.js";

export default async function setup() {
  // The browser test's Chromium, installed here as root — not inside a test hook, whose time limit an
  // install on a fresh machine exceeds. Without root the browser test itself names the command, so a
  // run of other files does not need Chromium.
  if (process.getuid?.() === 0) ensureChromium();
  const started = Date.now();
  const stack = await startLocalStack({ mariadb: { timeZone: "+05:30" } });
  process.env.TEST_MARIADB_URL = stack.mariadb.url;
  process.env.TEST_MARIADB_PID = String(stack.mariadb.pid);
  process.env.TEST_REDIS_URL = stack.redis.url;
  process.env.UPSTASH_REDIS_REST_URL = stack.bridge.url;
  process.env.UPSTASH_REDIS_REST_TOKEN = stack.bridge.token;
  console.log(`[global-setup] mariadb + redis + upstash bridge ready in ${Date.now() - started} ms`);
  return async () => {
    await stack.stop();
  };
}
