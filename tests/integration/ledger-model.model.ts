/** The in-memory model of the ledger rules used by ledger-model.test.ts (limits from lib/limits/config). */
import { LIMIT_TIERS } from "../../lib/limits/config.js";

export type ModelUser = {
  id: number;
  userCode: string;
  kyc: "verified" | "pending";
  balance: number;
  held: number;
  dayDebit: number;
  monthDebit: number;
  p2p: number;
  loadMonth: number;
};
export type ModelHold = {
  id: number;
  user: ModelUser;
  amt: number;
  status: "active" | "captured" | "voided" | "expired";
};
export type Model = { users: ModelUser[]; holds: ModelHold[] };

// Factory users keep the seed's internal limits: ₹25,000 a day, ₹1,00,000 a month.
const daily = (x: ModelUser) => Math.min(2_500_000, LIMIT_TIERS[x.kyc].dailyDebitPaise);
const monthly = (x: ModelUser) => Math.min(10_000_000, LIMIT_TIERS[x.kyc].monthlyDebitPaise);

/** The outcome transfer() must produce, in the order the service and the engine check. */
export function predictTransfer(s: ModelUser, r: ModelUser, amt: number): string {
  if (s.id === r.id) return "VALIDATION_FAILED";
  if (s.kyc !== "verified") return "KYC_REQUIRED";
  if (s.balance - amt < 0 || s.balance - amt < s.held) return "INSUFFICIENT_FUNDS";
  const st = LIMIT_TIERS[s.kyc];
  if (s.p2p + amt > st.monthlyP2pPaise) return "LIMIT_EXCEEDED";
  // Held money counts as spent in the debit windows, as for a new hold.
  const pending = amt + s.held;
  if (s.dayDebit + pending > daily(s) || s.monthDebit + pending > monthly(s)) return "LIMIT_EXCEEDED";
  const rt = LIMIT_TIERS[r.kyc];
  if (rt.monthlyCreditPaise !== null && r.loadMonth + amt > rt.monthlyCreditPaise) return "LIMIT_EXCEEDED";
  if (r.balance + amt > rt.maxBalancePaise) return "LIMIT_EXCEEDED";
  return "ok";
}

/** createHold(): funds first, then debit limits counting every active hold as spent. */
export function predictHold(w: ModelUser, amt: number): string {
  if (w.balance - w.held < amt) return "INSUFFICIENT_FUNDS";
  const pending = amt + w.held;
  if (w.dayDebit + pending > daily(w) || w.monthDebit + pending > monthly(w)) return "LIMIT_EXCEEDED";
  return "ok";
}
