/**
 * `npm run dev`: MariaDB + Redis + the Upstash bridge as child processes (data kept in `.data/`),
 * migrations, demo data, then the API and the dev-only routes on http://127.0.0.1:${PORT:-3000}.
 * Ctrl-C (or kill -9 of this process) stops everything it started.
 */
import { resolve } from "node:path";
import { applyDevEnv } from "./dev-env.js";
import { ensureDatabase } from "./local/mariadb.js";
import { applyMigrations } from "./local/migrate.js";
import { startLocalStack } from "./local/stack.js";

// NEXASPAY_DATA_DIR lets a test run a second dev stack without touching .data/.
const DATA_DIR = resolve(process.env.NEXASPAY_DATA_DIR ?? ".data");
const port = Number(process.env.PORT ?? 3000);

const started = Date.now();
const stack = await startLocalStack({ dataDir: DATA_DIR });
let stopping = false;
const shutdown = async (code: number) => {
  if (stopping) return;
  stopping = true;
  console.log("\nstopping local services…");
  await stack.stop().catch(() => {});
  process.exit(code);
};
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));

try {
  const databaseUrl = await ensureDatabase(stack.mariadb.url, "nexaspay");
  await applyMigrations(databaseUrl);
  applyDevEnv({
    dataDir: DATA_DIR,
    port,
    databaseUrl,
    upstashUrl: stack.bridge.url,
    upstashToken: stack.bridge.token,
  });
  // lib/ reads the environment at import, so everything below is imported only now.
  const { seedDemoData } = await import("./seed-demo.js");
  const { devMounts } = await import("./dev-mounts.js");
  const { listenDevServer } = await import("./dev-server.js");
  const demo = await seedDemoData();
  const server = await listenDevServer(port, await devMounts());
  const ms = Date.now() - started;
  console.log(`
NexasPay API ready in ${ms} ms
  API           ${server.url}/api/health
  Dev outbox    ${server.url}/__dev/outbox
  PhonePe sim   ${server.url}/__phonepe
  MariaDB       socket ${stack.mariadb.socket}, or 127.0.0.1:${stack.mariadb.port} (pid ${stack.mariadb.pid}, data in ${DATA_DIR})
  Redis         ${stack.redis.url} (pid ${stack.redis.pid}; Upstash REST bridge ${stack.bridge.url})

Demo logins (password for all: ${demo.password}):
${demo.users.map((u) => `  ${u.role.padEnd(12)} ${u.email.padEnd(28)} ${u.username}`).join("\n")}
`);
} catch (error) {
  if ((error as NodeJS.ErrnoException).code === "EADDRINUSE")
    console.error(`Port ${port} is in use (another server?). Pick another one: PORT=${port + 1} npm run dev`);
  else console.error(error);
  await shutdown(1);
}
