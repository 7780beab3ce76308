/**
 * Work that finishes after the response. On Vercel, `waitUntil` keeps the function alive until it
 * settles; in the dev server and tests it simply runs on. The work should handle its own errors; a
 * rejection that escapes is logged (there is no request left to answer). `afterResponseSettled()` waits
 * for everything still pending in this process (tests use it).
 */
import { waitUntil } from "@vercel/functions";
import { logger } from "./log.js";

const pending = new Set<Promise<void>>();

export function afterResponse(work: Promise<unknown>): void {
  const tracked: Promise<void> = work.then(
    () => {},
    (error: unknown) => logger.error({ err: error }, "work after the response failed"),
  );
  pending.add(tracked);
  void tracked.finally(() => pending.delete(tracked));
  waitUntil(tracked);
}

export async function afterResponseSettled(): Promise<void> {
  while (pending.size > 0) await Promise.all(pending);
}
