/** `getLimitsSummary()`: the limits that apply to a wallet now and how much of each window is used. */
import { type Paise, paise } from "../money/index.js";
import { effectiveLimits } from "./check-limits.js";
import type { TierName } from "./config.js";
import { readLimitState } from "./read-limit-state.js";

export type LimitsSummary = {
  tier: TierName;
  kycStatus: string | null;
  /**
   * `heldPaise`: reserved by active holds that count against the limits, counted as used until they
   * resolve (check-limits.ts; a refund to source does not count);
   * `remainingPaise`: what a debit may still take in the window, limit − used − held (never below 0).
   */
  daily: DebitWindow;
  monthly: DebitWindow;
  monthlyLoad: { limitPaise: Paise | null; usedPaise: Paise };
  yearlyLoad: { limitPaise: Paise | null; usedPaise: Paise };
  p2p: { allowed: boolean; monthlyLimitPaise: Paise; usedPaise: Paise; remainingPaise: Paise };
  maxBalancePaise: Paise;
  balancePaise: Paise;
  availablePaise: Paise;
};

type DebitWindow = { limitPaise: Paise; usedPaise: Paise; heldPaise: Paise; remainingPaise: Paise };

const remaining = (limit: number, ...taken: number[]) =>
  paise(
    Math.max(
      0,
      taken.reduce((r, t) => r - t, limit),
    ),
  );
const debitWindow = (limitPaise: Paise, usedPaise: Paise, heldPaise: Paise): DebitWindow => ({
  limitPaise,
  usedPaise,
  heldPaise,
  remainingPaise: remaining(limitPaise, usedPaise, heldPaise),
});

export async function getLimitsSummary(userId: number): Promise<LimitsSummary> {
  const s = await readLimitState(userId);
  const eff = effectiveLimits(s);
  const { tier } = eff;
  return {
    tier: tier.tier,
    kycStatus: s.kycStatus,
    daily: debitWindow(eff.dailyDebitPaise, paise(s.usage.day.debitPaise), s.limitHeldPaise),
    monthly: debitWindow(eff.monthlyDebitPaise, paise(s.usage.month.debitPaise), s.limitHeldPaise),
    monthlyLoad: { limitPaise: tier.monthlyCreditPaise, usedPaise: paise(s.usage.month.creditPaise) },
    yearlyLoad: { limitPaise: tier.yearlyCreditPaise, usedPaise: paise(s.usage.fy.creditPaise) },
    p2p: {
      allowed: tier.p2pSend,
      monthlyLimitPaise: tier.monthlyP2pPaise,
      usedPaise: paise(s.usage.month.p2pOutPaise),
      remainingPaise: tier.p2pSend ? remaining(tier.monthlyP2pPaise, s.usage.month.p2pOutPaise) : paise(0),
    },
    maxBalancePaise: tier.maxBalancePaise,
    balancePaise: s.balancePaise,
    availablePaise: paise(s.balancePaise - s.heldPaise),
  };
}
