// GET /api/cron/verify-ledger — Vercel Cron (every 5 minutes): incremental ledger verification from the
// last checkpoint; violations are logged at error level (the alert), and so is every run while an older
// failing run is outstanding (not yet re-examined clean, nor acknowledged by an admin)
import { requireCron } from "../../lib/auth/index.js";
import { json, methods } from "../../lib/http/index.js";
import { runVerification, verificationView } from "../../lib/ledger/index.js";
import { logger } from "../../lib/log.js";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = methods({
  GET: async (ctx) => {
    requireCron(ctx);
    const run = await runVerification("incremental");
    if (!run.ok) {
      logger.error(
        { checks: [...new Set(run.violations.map((v) => v.check))], violations: run.violations.length },
        "ledger verification found violations",
      );
    } else if (run.outstanding) {
      logger.error(
        { outstanding: run.outstanding },
        "ledger violations outstanding: repair and run a full verification, or acknowledge them",
      );
    }
    return json(verificationView(run), 200, { "cache-control": "no-store" });
  },
});
