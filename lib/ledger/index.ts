/**
 * lib/ledger — the only writer of wallet balances and ledger lines (see docs/ARCHITECTURE.md
 * "The ledger"). Everything other modules may use is exported here.
 */
export { assertCanLoad, getLimitsSummary, type LimitsSummary } from "../limits/index.js";
export { NO_ACTIVE_RECIPIENT, RECIPIENT_CANNOT_ACCEPT } from "./apply-legs.js";
export { closeLedgerPool } from "./connection.js";
export { captureHold } from "./holds/capture-hold.js";
export { createHold } from "./holds/create-hold.js";
export { sweepExpiredHolds, voidHold, voidHoldByReference } from "./holds/release-hold.js";
export { post, postOnConnection } from "./post.js";
export { systemAccountBalance } from "./system-accounts.js";
export type {
  Hold,
  HoldStatus,
  PostedLine,
  PostingContext,
  PostingInput,
  PostingKind,
  PostingResult,
  SqlStatement,
  SystemAccountCode,
  SystemLegInput,
  VerifyResult,
  Violation,
  WalletLegInput,
} from "./types.js";
export { type AcknowledgeBody, acknowledgeBodySchema, acknowledgeFailures } from "./verify/acknowledge.js";
export {
  CHECKPOINT_OVERLAP_MS,
  incrementalBase,
  MAX_IDS_PER_RUN,
  type OutstandingFailure,
  outstandingFailure,
  runVerification,
  sweepOldVerifications,
  VERIFICATION_RETENTION_MS,
  type VerificationRun,
} from "./verify/run-verification.js";
export {
  RUN_EVERY_MS,
  type ScheduleOptions,
  scheduledVerification,
  TIME_BUDGET_MS,
} from "./verify/scheduled-verification.js";
export { FROM_THE_START, type LedgerCheckRun, verifyLedger, type Watermarks } from "./verify/verify-ledger.js";
export { outstandingView, verificationView, verifyQuerySchema } from "./verify/view.js";
