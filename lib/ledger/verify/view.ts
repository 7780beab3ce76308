/** The verifier's HTTP surface: the admin query and the JSON answer shared by the admin and cron routes. */
import { z } from "zod";
import { VERIFY_SCOPES } from "../../../db/schema/index.js";
import type { VerificationRun } from "./run-verification.js";

/** `?scope=full` (the default: every check over whole tables) or `?scope=incremental`. */
export const verifyQuerySchema = z.strictObject({ scope: z.enum(VERIFY_SCOPES).default("full") });

export function verificationView(run: VerificationRun) {
  return {
    ok: run.ok,
    violations: run.violations,
    checkedAt: run.startedAt.toISOString(),
    scope: run.scope,
    durationMs: run.durationMs,
    checked: run.checked,
    checkMs: run.checkMs,
    outstanding: run.outstanding && { ...run.outstanding, since: run.outstanding.since.toISOString() },
  };
}
