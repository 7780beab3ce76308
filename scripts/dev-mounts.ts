/**
 * The dev-only surface of API.md §5, mounted beside the API by the dev server (never deployed).
 * Imported lazily, after the environment is set, because mounts use lib/ code.
 */
import type { Mount } from "./dev-server.js";

export async function devMounts(): Promise<Mount[]> {
  const { phonePeSimMount } = await import("./phonepe-sim/index.js");
  const { devOutboxMount } = await import("./dev-outbox.js");
  return [phonePeSimMount(), devOutboxMount()];
}
