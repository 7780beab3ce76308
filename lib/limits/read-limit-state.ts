/** Reads a wallet's limit subject and current-window usage without locking (pre-checks and summaries). */
import { and, eq, or, sql } from "drizzle-orm";
import { users, walletLimitUsage } from "../../db/schema/index.js";
import { type Database, db } from "../db/index.js";
import { AppError } from "../http/errors.js";
import { type Paise, paiseFromDecimal, ZERO_PAISE } from "../money/index.js";
import { emptyUsage, type LimitSubject, type WindowUsage } from "./check-limits.js";
import { windowsSql } from "./windows.js";

export type LimitState = LimitSubject & {
  balancePaise: Paise;
  /** All held money (not available). */
  heldPaise: Paise;
  /** The part of it that counts against the debit limits (holds with `limits_enforced`). */
  limitHeldPaise: Paise;
  usage: WindowUsage;
};

/** The counters of the current windows, on the database's clock (the one postings count on). */
const W = windowsSql();
const inCurrentWindow = or(
  and(eq(walletLimitUsage.period, "day"), sql`${walletLimitUsage.periodStart} = ${sql.raw(W.day)}`),
  and(eq(walletLimitUsage.period, "month"), sql`${walletLimitUsage.periodStart} = ${sql.raw(W.month)}`),
  and(eq(walletLimitUsage.period, "fy"), sql`${walletLimitUsage.periodStart} = ${sql.raw(W.fy)}`),
);

export async function readLimitState(userId: number, handle: Database = db): Promise<LimitState> {
  // Independent reads (no lock, advisory): issued together rather than one after the other.
  const [[user], rows] = await Promise.all([
    handle
      .select({
        kycStatus: users.kycStatus,
        dailyLimitPaise: users.dailyLimit,
        monthlyLimitPaise: users.monthlyLimit,
        balancePaise: users.walletBalance,
        heldPaise: users.heldBalance,
        // Spelled out: drizzle leaves columns unqualified in a one-table select, and inside the
        // subquery an unqualified id would be the hold's.
        limitHeld: sql<
          string | null
        >`(SELECT SUM(h.amount) FROM wallet_holds h WHERE h.user_id = users.id AND h.status = 'active' AND h.limits_enforced)`,
        openedAt: users.createdAt,
      })
      .from(users)
      .where(eq(users.id, userId)),
    handle
      .select()
      .from(walletLimitUsage)
      .where(and(eq(walletLimitUsage.userId, userId), inCurrentWindow)),
  ]);
  if (!user) throw new AppError("NOT_FOUND", "Wallet not found.");
  const usage = emptyUsage();
  for (const r of rows) {
    usage[r.period] = { debitPaise: r.debitAmount, creditPaise: r.creditAmount, p2pOutPaise: r.p2pOutAmount };
  }
  return {
    kycStatus: user.kycStatus,
    dailyLimitPaise: user.dailyLimitPaise,
    monthlyLimitPaise: user.monthlyLimitPaise,
    openedAt: user.openedAt,
    balancePaise: user.balancePaise,
    heldPaise: user.heldPaise,
    limitHeldPaise: user.limitHeld === null ? ZERO_PAISE : paiseFromDecimal(String(user.limitHeld)),
    usage,
  };
}
