/** Reads a wallet's limit subject and current-window usage without locking (pre-checks and summaries). */
import { and, eq, inArray } from "drizzle-orm";
import { users, walletLimitUsage } from "../../db/schema/index.js";
import { type Database, db } from "../db/index.js";
import { AppError } from "../http/errors.js";
import type { Paise } from "../money/index.js";
import { emptyUsage, type LimitSubject, type WindowUsage } from "./check-limits.js";
import { limitWindows } from "./windows.js";

export type LimitState = LimitSubject & { balancePaise: Paise; heldPaise: Paise; usage: WindowUsage };

export async function readLimitState(userId: number, handle: Database = db): Promise<LimitState> {
  const w = limitWindows();
  // Independent reads (no lock, advisory): issued together rather than one after the other.
  const [[user], rows] = await Promise.all([
    handle
      .select({
        kycStatus: users.kycStatus,
        dailyLimitPaise: users.dailyLimit,
        monthlyLimitPaise: users.monthlyLimit,
        balancePaise: users.walletBalance,
        heldPaise: users.heldBalance,
        openedAt: users.createdAt,
      })
      .from(users)
      .where(eq(users.id, userId)),
    handle
      .select()
      .from(walletLimitUsage)
      .where(and(eq(walletLimitUsage.userId, userId), inArray(walletLimitUsage.periodStart, [w.day, w.month, w.fy]))),
  ]);
  if (!user) throw new AppError("NOT_FOUND", "Wallet not found.");
  const usage = emptyUsage();
  for (const r of rows) {
    if (r.periodStart !== w[r.period]) continue;
    usage[r.period] = { debitPaise: r.debitAmount, creditPaise: r.creditAmount, p2pOutPaise: r.p2pOutAmount };
  }
  return {
    kycStatus: user.kycStatus,
    dailyLimitPaise: user.dailyLimitPaise,
    monthlyLimitPaise: user.monthlyLimitPaise,
    openedAt: user.openedAt,
    balancePaise: user.balancePaise,
    heldPaise: user.heldPaise,
    usage,
  };
}
