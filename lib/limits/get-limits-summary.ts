/** `getLimitsSummary()`: the limits that apply to a wallet now and how much of each window is used. */
import { type Paise, paise } from "../money/index.js";
import { effectiveLimits } from "./check-limits.js";
import type { TierName } from "./config.js";
import { readLimitState } from "./read-limit-state.js";

export type LimitsSummary = {
  tier: TierName;
  kycStatus: string | null;
  /** `heldPaise`: reserved by active holds and counted as used until they resolve (check-limits.ts). */
  daily: { limitPaise: Paise; usedPaise: Paise; heldPaise: Paise };
  monthly: { limitPaise: Paise; usedPaise: Paise; heldPaise: Paise };
  monthlyLoad: { limitPaise: Paise | null; usedPaise: Paise };
  yearlyLoad: { limitPaise: Paise | null; usedPaise: Paise };
  p2p: { allowed: boolean; monthlyLimitPaise: Paise; usedPaise: Paise };
  maxBalancePaise: Paise;
  balancePaise: Paise;
  availablePaise: Paise;
};

export async function getLimitsSummary(userId: number): Promise<LimitsSummary> {
  const s = await readLimitState(userId);
  const eff = effectiveLimits(s);
  const { tier } = eff;
  return {
    tier: tier.tier,
    kycStatus: s.kycStatus,
    daily: { limitPaise: eff.dailyDebitPaise, usedPaise: paise(s.usage.day.debitPaise), heldPaise: s.heldPaise },
    monthly: { limitPaise: eff.monthlyDebitPaise, usedPaise: paise(s.usage.month.debitPaise), heldPaise: s.heldPaise },
    monthlyLoad: { limitPaise: tier.monthlyCreditPaise, usedPaise: paise(s.usage.month.creditPaise) },
    yearlyLoad: { limitPaise: tier.yearlyCreditPaise, usedPaise: paise(s.usage.fy.creditPaise) },
    p2p: {
      allowed: tier.p2pSend,
      monthlyLimitPaise: tier.monthlyP2pPaise,
      usedPaise: paise(s.usage.month.p2pOutPaise),
    },
    maxBalancePaise: tier.maxBalancePaise,
    balancePaise: s.balancePaise,
    availablePaise: paise(s.balancePaise - s.heldPaise),
  };
}
