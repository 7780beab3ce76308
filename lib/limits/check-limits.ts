/**
 * The limit rules as one pure function, so the posting engine (inside its transaction, under the wallet
 * lock), hold creation and the top-up pre-check apply exactly the same rules. Throws AppError
 * LIMIT_EXCEEDED / KYC_REQUIRED with a message naming the limit.
 */
import { AppError } from "../http/errors.js";
import { formatRupees, type Paise } from "../money/index.js";
import { DEFAULT_DAILY_LIMIT_PAISE, DEFAULT_MONTHLY_LIMIT_PAISE, type TierLimits, tierFor } from "./config.js";

export type UsageCounters = { debitPaise: number; creditPaise: number; p2pOutPaise: number };
export type WindowUsage = { day: UsageCounters; month: UsageCounters; fy: UsageCounters };
export const EMPTY_COUNTERS: UsageCounters = { debitPaise: 0, creditPaise: 0, p2pOutPaise: 0 };
export const emptyUsage = (): WindowUsage => ({
  day: { ...EMPTY_COUNTERS },
  month: { ...EMPTY_COUNTERS },
  fy: { ...EMPTY_COUNTERS },
});

export type LimitSubject = {
  kycStatus: string | null;
  dailyLimitPaise: Paise | null;
  monthlyLimitPaise: Paise | null;
  /** When the wallet was opened (users.created_at); null = unknown (no deadline applied). */
  openedAt: Date | null;
};

/** What one posting (or hold) does to one wallet. */
export type Movement = {
  debitPaise: number;
  /** Credits that count as loading (refunds of the wallet's own money do not). */
  loadPaise: number;
  p2pOutPaise: number;
  /** The highest balance a credit of the posting leaves, when it has one (checked against the tier's cap). */
  balanceAfterCreditPaise: number | null;
  /**
   * Money the wallet's active holds reserve: counted as already spent in the debit windows until each
   * hold resolves (its capture then records the usage), so a debit cannot take limit room that a
   * pending withdrawal or bill has reserved.
   */
  heldPaise?: number;
};

export type EffectiveLimits = {
  tier: TierLimits;
  dailyDebitPaise: Paise;
  monthlyDebitPaise: Paise;
};

/** min(internal per-user column, regulatory tier ceiling). */
export function effectiveLimits(subject: LimitSubject): EffectiveLimits {
  const tier = tierFor(subject.kycStatus);
  const daily = subject.dailyLimitPaise ?? DEFAULT_DAILY_LIMIT_PAISE;
  const monthly = subject.monthlyLimitPaise ?? DEFAULT_MONTHLY_LIMIT_PAISE;
  return {
    tier,
    dailyDebitPaise: Math.min(daily, tier.dailyDebitPaise) as Paise,
    monthlyDebitPaise: Math.min(monthly, tier.monthlyDebitPaise) as Paise,
  };
}

function exceeded(name: string, limit: number, used: number, requested: number): AppError {
  const left = Math.max(0, limit - used);
  return new AppError(
    "LIMIT_EXCEEDED",
    `${name} of ₹${formatRupees(limit as Paise)} exceeded: ₹${formatRupees(left as Paise)} left, ₹${formatRupees(requested as Paise)} requested.`,
  );
}

const P2P_NEEDS_KYC = "Sending money to another wallet needs completed KYC.";

/** Throws KYC_REQUIRED when the wallet's KYC tier may not send P2P (checked before funds). */
export function assertCanSendP2p(kycStatus: string | null): void {
  if (!tierFor(kycStatus).p2pSend) throw new AppError("KYC_REQUIRED", P2P_NEEDS_KYC);
}

/** Throws when `movement` would break a KYC-tier cap or the user's daily/monthly limit. */
export function checkLimits(subject: LimitSubject, usage: WindowUsage, movement: Movement): void {
  const limits = effectiveLimits(subject);
  const { tier } = limits;
  if (movement.p2pOutPaise > 0) {
    if (!tier.p2pSend) throw new AppError("KYC_REQUIRED", P2P_NEEDS_KYC);
    const used = usage.month.p2pOutPaise;
    if (used + movement.p2pOutPaise > tier.monthlyP2pPaise)
      throw exceeded("Monthly P2P transfer limit", tier.monthlyP2pPaise, used, movement.p2pOutPaise);
  }
  if (movement.debitPaise > 0) {
    const d = movement.debitPaise;
    const held = movement.heldPaise ?? 0;
    const [day, month] = [usage.day.debitPaise + held, usage.month.debitPaise + held];
    if (day + d > limits.dailyDebitPaise) throw exceeded("Daily debit limit", limits.dailyDebitPaise, day, d);
    if (month + d > limits.monthlyDebitPaise) throw exceeded("Monthly debit limit", limits.monthlyDebitPaise, month, d);
  }
  if (movement.loadPaise > 0) {
    const c = movement.loadPaise;
    if (tier.kycDeadlineDays !== null && subject.openedAt !== null) {
      const ageDays = (Date.now() - subject.openedAt.getTime()) / 86_400_000;
      if (ageDays > tier.kycDeadlineDays)
        throw new AppError(
          "KYC_REQUIRED",
          `Complete KYC to add money: wallets without KYC take no new credits after ${tier.kycDeadlineDays} days.`,
        );
    }
    if (tier.monthlyCreditPaise !== null && usage.month.creditPaise + c > tier.monthlyCreditPaise)
      throw exceeded("Monthly wallet loading limit", tier.monthlyCreditPaise, usage.month.creditPaise, c);
    if (tier.yearlyCreditPaise !== null && usage.fy.creditPaise + c > tier.yearlyCreditPaise)
      throw exceeded("Financial-year wallet loading limit", tier.yearlyCreditPaise, usage.fy.creditPaise, c);
  }
  if (movement.balanceAfterCreditPaise !== null && movement.balanceAfterCreditPaise > tier.maxBalancePaise) {
    throw new AppError(
      "LIMIT_EXCEEDED",
      `Wallet balance limit of ₹${formatRupees(tier.maxBalancePaise)} for this KYC level would be exceeded.`,
    );
  }
}
