/** The verifier's HTTP surface: the admin query and the JSON answer shared by the admin and cron routes. */
import { z } from "zod";
import { VERIFY_SCOPES } from "../../../db/schema/index.js";
import type { OutstandingFailure, VerificationRun } from "./run-verification.js";

/** `?scope=full` (the default: every check over whole tables) or `?scope=incremental`. */
export const verifyQuerySchema = z.strictObject({ scope: z.enum(VERIFY_SCOPES).default("full") });

/** The outstanding failure as JSON (its start as an ISO string), or null. */
export const outstandingView = (o: OutstandingFailure | null) => o && { ...o, since: o.since.toISOString() };

export function verificationView(run: VerificationRun) {
  return {
    ok: run.ok,
    violations: run.violations,
    checkedAt: run.startedAt.toISOString(),
    scope: run.scope,
    durationMs: run.durationMs,
    checked: run.checked,
    checkMs: run.checkMs,
    cutShort: run.cutShort,
    outstanding: outstandingView(run.outstanding),
  };
}
