/**
 * The caller's ledger lines, newest first, by keyset on the wallet's gap-free sequence number: the
 * unique (user_id, wallet_seq) index serves both the filter and the order, so a page costs the same on
 * line 10 and line 1,000,000, and lines inserted meanwhile never shift a page (no OFFSET).
 */
import { and, desc, eq, gte, lt, type SQL } from "drizzle-orm";
import { z } from "zod";
import { TRANSACTION_STATUSES, TRANSACTION_TYPES, transactions } from "../../db/schema/index.js";
import type { Database } from "../db/index.js";
import { AppError } from "../http/errors.js";
import { decodeCursor, encodeCursor } from "./cursor.js";
import { istDateSchema, istDayEnd, istDayStart } from "./ist-dates.js";
import {
  counterpartyIdSql,
  counterpartyUser,
  type TransactionView,
  toTransactionView,
  transactionViewColumns,
} from "./transaction-view.js";

export const listTransactionsQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(200).optional(),
  type: z.enum(TRANSACTION_TYPES).optional(),
  status: z.enum(TRANSACTION_STATUSES).optional(),
  /** IST calendar dates, inclusive. */
  from: istDateSchema.optional(),
  to: istDateSchema.optional(),
});

export type ListTransactionsQuery = z.output<typeof listTransactionsQuerySchema>;

export async function listTransactions(
  db: Database,
  userId: number,
  query: ListTransactionsQuery,
): Promise<{ data: TransactionView[]; nextCursor: string | null }> {
  if (query.from && query.to && query.from > query.to) {
    throw new AppError("BAD_REQUEST", "`from` must not be after `to`.");
  }
  const where: (SQL | undefined)[] = [eq(transactions.userId, userId)];
  if (query.type) where.push(eq(transactions.transactionType, query.type));
  if (query.status) where.push(eq(transactions.status, query.status));
  if (query.from) where.push(gte(transactions.createdAt, istDayStart(query.from)));
  if (query.to) where.push(lt(transactions.createdAt, istDayEnd(query.to)));
  if (query.cursor) where.push(lt(transactions.walletSeq, decodeCursor(query.cursor)));
  const rows = await db
    .select({ ...transactionViewColumns, walletSeq: transactions.walletSeq })
    .from(transactions)
    .leftJoin(counterpartyUser, eq(counterpartyUser.id, counterpartyIdSql))
    .where(and(...where))
    .orderBy(desc(transactions.walletSeq))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  const nextCursor = rows.length > query.limit && last?.walletSeq ? encodeCursor(last.walletSeq) : null;
  return { data: page.map(toTransactionView), nextCursor };
}
