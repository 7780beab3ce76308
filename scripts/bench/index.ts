/** `npm run bench -- <name>`: one of the project's benchmarks by name (default: transfers). */
const BENCHMARKS: Record<string, string> = {
  transfers: "./transfers.js",
  "handler-cost": "./handler-cost.js",
  "request-cost": "./request-cost.js",
  "posting-sql": "./posting-sql.js",
  "wake-cost": "./wake-cost.js",
};
const name = process.argv[2] ?? "transfers";
const file = BENCHMARKS[name];
if (!file) {
  console.error(`Unknown benchmark "${name}". One of: ${Object.keys(BENCHMARKS).join(", ")}.`);
  process.exit(2);
}
await import(file);
