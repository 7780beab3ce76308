/**
 * Every wallet limit in one place, in paise (domain-india.md §1.6). Configuration, not code: when RBI's
 * final MD-PPIs change a number, only this table changes. The per-user `daily_limit` / `monthly_limit`
 * columns are the admin-tunable internal layer; the effective limit is min(internal, regulatory).
 */
import type { KycStatus } from "../../db/schema/index.js";
import { type Paise, paise } from "../money/index.js";

const rupees = (n: number): Paise => paise(n * 100);

export type TierName = "small_ppi" | "full_kyc";

export type TierLimits = {
  tier: TierName;
  /** Balance after any credit must stay at or below this. */
  maxBalancePaise: Paise;
  /** Credits (loads and P2P received) per IST calendar month; null = no regulatory cap. */
  monthlyCreditPaise: Paise | null;
  /** Credits per Indian financial year (1 Apr – 31 Mar); null = no cap. */
  yearlyCreditPaise: Paise | null;
  /** Regulatory ceiling on debits per IST day / month (the user's own columns may be lower). */
  dailyDebitPaise: Paise;
  monthlyDebitPaise: Paise;
  /** Whether P2P send is allowed at all. */
  p2pSend: boolean;
  /**
   * P2P sent per month to non-registered payees. P2P recipients are treated as non-registered: the
   * product has no wallet-beneficiary registry yet, so the stricter ₹10,000 rule always applies.
   */
  monthlyP2pPaise: Paise;
  /**
   * Days after opening within which the wallet must reach full KYC; after that no new credits
   * (spending what is left stays allowed). RBI's rule for cash-loading small PPIs, applied to every
   * unverified wallet to be safe (domain-india §0, §1.6). null = no deadline.
   */
  kycDeadlineDays: number | null;
};

const SMALL_PPI: TierLimits = {
  tier: "small_ppi",
  maxBalancePaise: rupees(10_000),
  monthlyCreditPaise: rupees(10_000),
  yearlyCreditPaise: rupees(120_000),
  dailyDebitPaise: rupees(10_000),
  monthlyDebitPaise: rupees(10_000),
  p2pSend: false,
  monthlyP2pPaise: rupees(0),
  kycDeadlineDays: 730,
};

const FULL_KYC: TierLimits = {
  tier: "full_kyc",
  maxBalancePaise: rupees(200_000),
  monthlyCreditPaise: null,
  yearlyCreditPaise: null,
  // No RBI daily/monthly debit ceiling beyond the internal defaults (₹25,000 / ₹1,00,000 columns).
  dailyDebitPaise: rupees(200_000),
  monthlyDebitPaise: rupees(200_000),
  p2pSend: true,
  monthlyP2pPaise: rupees(10_000),
  kycDeadlineDays: null,
};

export const LIMIT_TIERS: Record<KycStatus, TierLimits> = {
  pending: SMALL_PPI,
  rejected: SMALL_PPI,
  verified: FULL_KYC,
};

/** Seed defaults for the internal layer when a user's column is NULL. */
export const DEFAULT_DAILY_LIMIT_PAISE = rupees(25_000);
export const DEFAULT_MONTHLY_LIMIT_PAISE = rupees(100_000);

export function tierFor(kycStatus: string | null | undefined): TierLimits {
  return LIMIT_TIERS[(kycStatus ?? "pending") as KycStatus] ?? SMALL_PPI;
}
