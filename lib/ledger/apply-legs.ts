/**
 * The in-memory part of a posting, run while the wallet rows are locked: turn legs into ledger lines
 * with opening/closing balances and gap-free sequence numbers, then check funds and limits. Pure apart
 * from the wallet objects it updates, so the critical section holds no I/O here.
 */

import { AppError } from "../http/errors.js";
import { assertCanSendP2p, checkLimits, type Movement } from "../limits/check-limits.js";
import { tierFor } from "../limits/config.js";
import { formatRupees, type Paise } from "../money/index.js";
import type { LockedWallet, Peeked } from "./lock-wallets.js";
import type { PostingInput, WalletLegInput } from "./types.js";

/**
 * One ledger line. For a late-locked wallet (see post.ts) balances and seq are RELATIVE to the
 * wallet's state when the write batch locks it: opening = cumBefore, closing = cumAfter, seq = 1..k.
 */
export type PlannedLine = {
  leg: WalletLegInput;
  userCode: string | null;
  referenceNumber: string;
  openingPaise: number;
  closingPaise: number;
  seq: number;
  balanceCapPaise: number | null;
  late: boolean;
};

/** A credit-only wallet locked late: inside the write batch, after the other wallets' writes (see write-batch.ts). */
export type LateWallet = { userId: number; creditPaise: number; lineCount: number; capPaise: number | null };

/** What a P2P sender hears when the recipient is unknown or inactive (at the lookup or under the lock). */
export const NO_ACTIVE_RECIPIENT = "No active wallet matches this recipient.";

/** A hold released by this posting (its capture); `countsAsSpending` is the hold's `limitsEnforced`. */
export type HoldRelease = { userId: number; amountPaise: number; countsAsSpending: boolean };
export type WalletDelta = Movement & { userId: number };

/** Applies the legs to the locked wallets; throws INSUFFICIENT_FUNDS / LIMIT_EXCEEDED / KYC_REQUIRED. */
export function applyLegs(
  input: PostingInput,
  wallets: Map<number, LockedWallet>,
  lateWallets: Map<number, Peeked>,
  release?: HoldRelease,
): { lines: PlannedLine[]; deltas: WalletDelta[]; late: LateWallet[] } {
  const enforce = input.enforceLimits ?? true;
  if (input.kind === "p2p") {
    // Checked again under the lock: the recipient may have been deactivated since it was looked up.
    for (const leg of input.walletLegs)
      if (leg.direction === "credit" && wallets.get(leg.userId)?.isActive === false)
        throw new AppError("NOT_FOUND", NO_ACTIVE_RECIPIENT);
  }
  if (enforce && input.kind === "p2p") {
    // A sender whose KYC tier may not send P2P hears that first, not that its funds are short.
    for (const leg of input.walletLegs)
      if (leg.direction === "debit") assertCanSendP2p(wallets.get(leg.userId)?.kycStatus ?? null);
  }
  if (release) {
    const w = wallets.get(release.userId);
    if (w) {
      w.heldPaise -= release.amountPaise;
      // readLimitedHeld counted the hold while it was still active; released, it is spent, not held.
      if (release.countsAsSpending && w.limitHeldPaise > 0) w.limitHeldPaise -= release.amountPaise;
    }
  }
  const deltas = new Map<number, WalletDelta>();
  const lines: PlannedLine[] = [];
  const late = new Map<number, LateWallet>();
  /** Per early wallet, the highest closing of its credit lines. */
  const peakPaise = new Map<number, number>();
  let d = 0;
  let c = 0;
  for (const leg of input.walletLegs) {
    const peek = lateWallets.get(leg.userId);
    if (peek) {
      // Only credits reach a late wallet; the balance cap is enforced by a guard in the batch.
      const lw = late.get(leg.userId) ?? {
        userId: leg.userId,
        creditPaise: 0,
        lineCount: 0,
        capPaise: enforce ? tierFor(peek.kycStatus).maxBalancePaise : null,
      };
      const before = lw.creditPaise;
      lw.creditPaise += leg.amountPaise;
      lw.lineCount += 1;
      late.set(leg.userId, lw);
      const delta = deltas.get(leg.userId) ?? blankDelta(leg.userId);
      if (countsAsLoad(input, peek.kycStatus)) delta.loadPaise += leg.amountPaise;
      deltas.set(leg.userId, delta);
      lines.push({
        leg,
        userCode: peek.userCode,
        referenceNumber: `${input.reference}-C${++c}`,
        openingPaise: before,
        closingPaise: lw.creditPaise,
        seq: lw.lineCount,
        balanceCapPaise: lw.capPaise,
        late: true,
      });
      continue;
    }
    const w = wallets.get(leg.userId) as LockedWallet;
    const isDebit = leg.direction === "debit";
    const opening = w.balancePaise;
    w.balancePaise += isDebit ? -leg.amountPaise : leg.amountPaise;
    w.seq += 1;
    if (w.balancePaise < 0) throw insufficient(leg.amountPaise);
    if (!isDebit) peakPaise.set(w.id, Math.max(peakPaise.get(w.id) ?? 0, w.balancePaise));
    const delta = deltas.get(w.id) ?? blankDelta(w.id);
    if (isDebit) {
      delta.debitPaise += leg.amountPaise;
      if (input.kind === "p2p") delta.p2pOutPaise += leg.amountPaise;
    } else if (countsAsLoad(input, w.kycStatus)) {
      delta.loadPaise += leg.amountPaise;
    }
    deltas.set(w.id, delta);
    lines.push({
      leg,
      userCode: w.userCode,
      referenceNumber: `${input.reference}-${isDebit ? `D${++d}` : `C${++c}`}`,
      openingPaise: opening,
      closingPaise: w.balancePaise,
      seq: w.seq,
      balanceCapPaise: !isDebit && enforce ? tierFor(w.kycStatus).maxBalancePaise : null,
      late: false,
    });
  }
  for (const delta of deltas.values()) {
    const w = wallets.get(delta.userId);
    if (!w) continue; // late wallet: checked by the batch guard
    if (w.heldPaise < 0) throw new AppError("CONFLICT", "Hold release exceeds the wallet's held balance.");
    // Available = balance − held: money reserved by a hold cannot be spent twice.
    if (delta.debitPaise > 0 && w.balancePaise < w.heldPaise) throw insufficient(delta.debitPaise);
    // The cap holds at every credit line (each records it as balance_cap, and the verifier checks
    // each), not only after the posting's last leg of the wallet: the highest one is what checkLimits
    // holds against the cap.
    delta.balanceAfterCreditPaise = peakPaise.get(w.id) ?? null;
    if (enforce) {
      try {
        // Held money that counts against the limits counts as spent, as when the hold was placed
        // (create-hold.ts); lock-wallets' readLimitedHeld read it under the lock.
        checkLimits(w, w.usage, { ...delta, heldPaise: w.limitHeldPaise });
      } catch (error) {
        throw relabel(error, input, w.id);
      }
    }
  }
  // Money going back where it came from is not the owner's spending: a refund posting, or the capture
  // of a hold that did not count against the limits (a refund to source), records no debit usage.
  for (const delta of deltas.values()) {
    const notSpending = release && !release.countsAsSpending && release.userId === delta.userId;
    if (input.kind === "refund" || notSpending) delta.debitPaise = 0;
  }
  return { lines, deltas: [...deltas.values()], late: [...late.values()] };
}

/**
 * Loading counters exist for the tiers that have loading caps (small PPI). A refund returns the
 * wallet's own money and is not a load. Full-KYC wallets keep no loading counters, so a hot merchant's
 * credits never touch a counter row (a tier change applies from the next transaction on).
 */
function countsAsLoad(input: PostingInput, kycStatus: string | null): boolean {
  const tier = tierFor(kycStatus);
  return input.kind !== "refund" && (tier.monthlyCreditPaise !== null || tier.yearlyCreditPaise !== null);
}

const blankDelta = (userId: number): WalletDelta => ({
  userId,
  debitPaise: 0,
  loadPaise: 0,
  p2pOutPaise: 0,
  balanceAfterCreditPaise: null,
});

function insufficient(amount: number): AppError {
  return new AppError("INSUFFICIENT_FUNDS", `Insufficient available balance for ₹${formatRupees(amount as Paise)}.`);
}

/**
 * A limit hit on the receiving side of a P2P transfer is reported as the recipient's, without its
 * figures: the recipient's own message names their KYC level, cap and what they have loaded, which is
 * theirs to know, not the sender's. Always LIMIT_EXCEEDED: KYC_REQUIRED would send the sender to a KYC
 * flow that is not theirs.
 */
function relabel(error: unknown, input: PostingInput, userId: number): unknown {
  const receivesOnly = input.walletLegs.every((l) => l.userId !== userId || l.direction === "credit");
  if (input.kind === "p2p" && receivesOnly && error instanceof AppError)
    return new AppError("LIMIT_EXCEEDED", RECIPIENT_CANNOT_ACCEPT);
  return error;
}

export const RECIPIENT_CANNOT_ACCEPT = "The recipient's wallet cannot accept this amount.";
