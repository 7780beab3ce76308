/**
 * A wallet statement for a range of IST calendar dates: the lines oldest first, bracketed by the
 * opening balance (the closing balance of the last line before the range, 0 for a new wallet) and the
 * closing balance, so opening + Σcredit − Σdebit = closing can be checked by anyone.
 */
import { and, asc, desc, eq, gte, lt } from "drizzle-orm";
import { z } from "zod";
import { transactions } from "../../db/schema/index.js";
import type { Database } from "../db/index.js";
import { AppError } from "../http/errors.js";
import { type Paise, ZERO_PAISE } from "../money/index.js";
import { istDate, istDateSchema, istDayEnd, istDayStart } from "./ist-dates.js";
import {
  counterpartyIdSql,
  counterpartyUser,
  type TransactionView,
  toTransactionView,
  transactionViewColumns,
} from "./transaction-view.js";

/** A statement is a document, not an export of everything: bounded in days and lines. */
const MAX_DAYS = 366;
export const MAX_STATEMENT_LINES = 10_000;

export const statementQuerySchema = z.strictObject({
  from: istDateSchema.optional(),
  to: istDateSchema.optional(),
  format: z.enum(["json", "csv"]).default("json"),
});

export type Statement = {
  from: string;
  to: string;
  openingBalancePaise: Paise;
  closingBalancePaise: Paise;
  data: TransactionView[];
};

export async function getStatement(
  db: Database,
  userId: number,
  range: { from?: string; to?: string },
  now = new Date(),
): Promise<Statement> {
  // Default: this month so far; with only `to`, the month that `to` falls in (up to `to`).
  const to = range.to ?? istDate(now);
  const from = range.from ?? `${to.slice(0, 8)}01`;
  if (from > to) throw new AppError("BAD_REQUEST", "`from` must not be after `to`.");
  const start = istDayStart(from);
  const end = istDayEnd(to);
  if (end.getTime() - start.getTime() > MAX_DAYS * 86_400_000) {
    throw new AppError("BAD_REQUEST", `A statement covers at most ${MAX_DAYS} days; narrow the range.`);
  }
  const [before] = await db
    .select({ closing: transactions.closingBalance })
    .from(transactions)
    .where(and(eq(transactions.userId, userId), lt(transactions.createdAt, start)))
    .orderBy(desc(transactions.createdAt), desc(transactions.walletSeq))
    .limit(1);
  const rows = await db
    .select(transactionViewColumns)
    .from(transactions)
    .leftJoin(counterpartyUser, eq(counterpartyUser.id, counterpartyIdSql))
    .where(and(eq(transactions.userId, userId), gte(transactions.createdAt, start), lt(transactions.createdAt, end)))
    .orderBy(asc(transactions.walletSeq))
    .limit(MAX_STATEMENT_LINES + 1);
  if (rows.length > MAX_STATEMENT_LINES) {
    throw new AppError("BAD_REQUEST", `The range holds more than ${MAX_STATEMENT_LINES} lines; narrow it.`);
  }
  const data = rows.map(toTransactionView);
  const openingBalancePaise = before?.closing ?? ZERO_PAISE;
  const closingBalancePaise = data[data.length - 1]?.closingBalancePaise ?? openingBalancePaise;
  return { from, to, openingBalancePaise, closingBalancePaise, data };
}
