/** One ledger line of the caller's wallet; another user's line is indistinguishable from a missing one. */
import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { postings, transactions } from "../../db/schema/index.js";
import { type Database, preparedPerHandle } from "../db/index.js";
import { AppError } from "../http/errors.js";
import {
  counterpartyIdSql,
  counterpartyUser,
  type TransactionView,
  toTransactionView,
  transactionViewColumns,
} from "./transaction-view.js";

export const transactionIdQuerySchema = z.strictObject({ id: z.coerce.number().int().min(1).max(2_147_483_647) });

export async function getTransaction(db: Database, userId: number, id: number): Promise<TransactionView> {
  const [row] = await db
    .select(transactionViewColumns)
    .from(transactions)
    .leftJoin(counterpartyUser, eq(counterpartyUser.id, counterpartyIdSql))
    .where(and(eq(transactions.id, id), eq(transactions.userId, userId)))
    .limit(1);
  if (!row) throw new AppError("NOT_FOUND", "Transaction not found.");
  return toTransactionView(row);
}

// Prepared once per handle: every replay of a transfer answer reads its line by reference.
const byPostingQuery = preparedPerHandle((db: Database) =>
  db
    .select(transactionViewColumns)
    .from(transactions)
    .innerJoin(postings, eq(postings.id, transactions.postingId))
    .leftJoin(counterpartyUser, eq(counterpartyUser.id, counterpartyIdSql))
    .where(
      and(eq(postings.reference, sql.placeholder("reference")), eq(transactions.userId, sql.placeholder("userId"))),
    )
    .limit(1)
    .prepare(),
);

/** The caller's line of a posting, by the posting's reference (the transfer answer and its replays). */
export async function getTransactionByPosting(
  db: Database,
  userId: number,
  reference: string,
): Promise<TransactionView> {
  const [row] = await byPostingQuery(db).execute({ reference, userId });
  if (!row) throw new AppError("NOT_FOUND", "Transaction not found.");
  return toTransactionView(row);
}
