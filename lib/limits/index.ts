export { assertCanLoad } from "./assert-can-load.js";
export { assertCanSendP2p, checkLimits, effectiveLimits, type Movement, type WindowUsage } from "./check-limits.js";
export {
  DEFAULT_DAILY_LIMIT_PAISE,
  DEFAULT_MONTHLY_LIMIT_PAISE,
  LIMIT_TIERS,
  type TierLimits,
  tierFor,
} from "./config.js";
export { getLimitsSummary, type LimitsSummary } from "./get-limits-summary.js";
export { istDate, windowsSql } from "./windows.js";
