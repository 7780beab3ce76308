// GET /api/cron/verify-ledger — Vercel Cron (every minute): incremental ledger verification from the last
// checkpoint, every 5 minutes once caught up, chunk after chunk while a backlog remains
// (lib/ledger/verify/scheduled-verification.ts). Violations are logged at error level (the alert), and
// so is every call while an older failing run is outstanding (not re-examined clean, nor acknowledged).
import { requireCron } from "../../lib/auth/index.js";
import { json, methods } from "../../lib/http/index.js";
import {
  outstandingFailure,
  outstandingView,
  scheduledVerification,
  verificationView,
} from "../../lib/ledger/index.js";
import { logger } from "../../lib/log.js";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = methods({
  GET: async (ctx) => {
    requireCron(ctx);
    const runs = await scheduledVerification();
    for (const run of runs) {
      if (run.ok) continue;
      logger.error(
        { checks: [...new Set(run.violations.map((v) => v.check))], violations: run.violations.length },
        "ledger verification found violations",
      );
    }
    // No runs: the newest is less than 5 minutes old and caught up. An outstanding failure is still named
    // (and alerted on) every minute.
    const last = runs.at(-1);
    const outstanding = last ? last.outstanding : await outstandingFailure();
    if (outstanding && (last?.ok ?? true)) {
      logger.error(
        { outstanding },
        "ledger violations outstanding: repair and run a full verification, or acknowledge them",
      );
    }
    const body = { runs: runs.map(verificationView), outstanding: outstandingView(outstanding) };
    return json(body, 200, { "cache-control": "no-store" });
  },
});
