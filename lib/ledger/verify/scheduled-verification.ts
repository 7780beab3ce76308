/**
 * The cron's verification (GET /api/cron/verify-ledger, called every minute). Caught up, one incremental
 * run every RUN_EVERY_MS is enough and the other calls do nothing. While a backlog remains (the newest
 * run was cut short by the chunk limit: a cron outage, a first deploy over an existing ledger, a burst
 * beyond MAX_IDS_PER_RUN lines in RUN_EVERY_MS) every call runs, and chains chunks back to back while
 * each next one continues exactly where the last stopped and fits the time budget. One chunk per five
 * minutes worked off 250,000 lines per 5 minutes (~830 lines/s), below the ledger's own write rate.
 */
import { incrementalBase, newestRunCaughtUp, runVerification, type VerificationRun } from "./run-verification.js";
import type { Watermarks } from "./verify-ledger.js";

export const RUN_EVERY_MS = 5 * 60_000;
/**
 * A next chunk starts only if it should end within this, its cost estimated as 1.25× the last one's, so
 * a chunk half again slower than the last still ends within a function's 30 s limit. With the dev box's
 * 9.5 s per 250,000-id chunk that is two chunks per call.
 */
export const TIME_BUDGET_MS = 25_000;

export type ScheduleOptions = Parameters<typeof runVerification>[1] & {
  budgetMs?: number;
  everyMs?: number;
  /** Milliseconds since the epoch; the cron calls are a minute apart, so a few seconds of skew is harmless. */
  now?: number;
};

const same = (a: Watermarks, b: Watermarks) =>
  a.lines === b.lines && a.system === b.system && a.postings === b.postings;

/** The runs this call made, oldest first; none when the newest run is recent and caught up. */
export async function scheduledVerification(options: ScheduleOptions = {}): Promise<VerificationRun[]> {
  const { budgetMs = TIME_BUDGET_MS, everyMs = RUN_EVERY_MS } = options;
  const t0 = performance.now();
  // Nothing to do while the newest run is recent and caught up. Half a minute early, so a run that started
  // a little after its cron tick does not skip a whole turn.
  if (await newestRunCaughtUp(new Date((options.now ?? Date.now()) - everyMs + 30_000))) return [];
  const runs: VerificationRun[] = [];
  for (;;) {
    const run = await runVerification("incremental", options);
    runs.push(run);
    if (!run.cutShort || performance.now() - t0 + run.durationMs * 1.25 > budgetMs) return runs;
    // Near the head the next base falls back below this run's end (rows its snapshot may have missed):
    // the next call, after the overlap has passed, goes on from there.
    const next = await incrementalBase(options.overlapMs);
    if (!next || !same(next, run.checked.to)) return runs;
  }
}
