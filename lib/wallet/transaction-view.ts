/**
 * The one `transaction` shape of API.md §2 and the query pieces that produce it: a ledger line of the
 * caller's wallet plus, for transfers, the other party's public code and name (never their id).
 */
import { sql } from "drizzle-orm";
import { alias } from "drizzle-orm/mysql-core";
import { transactions, users } from "../../db/schema/index.js";
import type { PostedLine, WalletLegInput } from "../ledger/index.js";
import type { Paise } from "../money/index.js";
import { ZERO_PAISE } from "../money/index.js";

export type TransactionView = {
  id: number;
  referenceNumber: string | null;
  type: string;
  ledgerType: string | null;
  status: string | null;
  amountPaise: Paise;
  debitPaise: Paise;
  creditPaise: Paise;
  openingBalancePaise: Paise;
  closingBalancePaise: Paise;
  feePaise: Paise;
  counterparty?: { userCode: string | null; name: string | null };
  description: string | null;
  remarks: string | null;
  ledgerDate: string | null;
  createdAt: string;
};

/** The counterparty's user row, joined under another name than the wallet owner's. */
export const counterpartyUser = alias(users, "counterparty");

/**
 * Who is on the other side of a line: the receiver of a debit, the sender of a credit, else the
 * recorded recipient. System legs (top-ups, adjustments) have none.
 */
export const counterpartyIdSql = sql<
  number | null
>`coalesce(case when ${transactions.debitAmount} > 0 then ${transactions.toAccountId} else ${transactions.fromAccountId} end, ${transactions.recipientId})`;

/** Exactly the columns the mapper reads. */
export const transactionViewColumns = {
  id: transactions.id,
  referenceNumber: transactions.referenceNumber,
  type: transactions.transactionType,
  ledgerType: transactions.ledgerType,
  status: transactions.status,
  amount: transactions.amount,
  debit: transactions.debitAmount,
  credit: transactions.creditAmount,
  opening: transactions.openingBalance,
  closing: transactions.closingBalance,
  fee: transactions.feeAmount,
  description: transactions.description,
  remarks: transactions.remarks,
  ledgerDate: transactions.ledgerDate,
  createdAt: transactions.createdAt,
  counterpartyCode: counterpartyUser.userCode,
  counterpartyName: counterpartyUser.fullName,
};

export type TransactionViewRow = {
  id: number;
  referenceNumber: string | null;
  type: string;
  ledgerType: string | null;
  status: string | null;
  amount: Paise;
  debit: Paise | null;
  credit: Paise | null;
  opening: Paise | null;
  closing: Paise | null;
  fee: Paise | null;
  description: string | null;
  remarks: string | null;
  ledgerDate: string | null;
  createdAt: Date | null;
  counterpartyCode: string | null;
  counterpartyName: string | null;
};

/** Row → API object. The only place the `transaction` shape is built. */
export function toTransactionView(row: TransactionViewRow): TransactionView {
  const hasCounterparty = row.counterpartyCode !== null || row.counterpartyName !== null;
  return {
    id: row.id,
    referenceNumber: row.referenceNumber,
    type: row.type,
    ledgerType: row.ledgerType,
    status: row.status,
    amountPaise: row.amount,
    debitPaise: row.debit ?? ZERO_PAISE,
    creditPaise: row.credit ?? ZERO_PAISE,
    openingBalancePaise: row.opening ?? ZERO_PAISE,
    closingBalancePaise: row.closing ?? ZERO_PAISE,
    feePaise: row.fee ?? ZERO_PAISE,
    ...(hasCounterparty ? { counterparty: { userCode: row.counterpartyCode, name: row.counterpartyName } } : {}),
    description: row.description,
    remarks: row.remarks,
    ledgerDate: row.ledgerDate,
    createdAt: (row.createdAt ?? new Date(0)).toISOString(),
  };
}

/**
 * The view of a line this request just posted, from the leg it sent and the line `post()` read back —
 * the same object a later read of the line gives, without that read (the answer of every transfer).
 * `counterparty` is the other party of the line as `counterpartyIdSql` resolves it (none for system legs).
 */
export function postedLineView(
  leg: WalletLegInput,
  line: PostedLine,
  counterparty: { userCode: string | null; fullName: string | null } | null,
): TransactionView {
  const debit = leg.direction === "debit";
  return toTransactionView({
    id: line.id,
    referenceNumber: line.referenceNumber,
    type: leg.transactionType,
    ledgerType: leg.ledgerType,
    status: "completed", // every ledger line is written completed (lib/ledger/write-lines.ts)
    amount: leg.amountPaise,
    debit: debit ? leg.amountPaise : ZERO_PAISE,
    credit: debit ? ZERO_PAISE : leg.amountPaise,
    opening: line.openingBalancePaise,
    closing: line.closingBalancePaise,
    fee: leg.feePaise ?? ZERO_PAISE,
    description: leg.description ?? null,
    remarks: leg.remarks ?? null,
    ledgerDate: line.ledgerDate,
    createdAt: line.createdAt,
    counterpartyCode: counterparty?.userCode ?? null,
    counterpartyName: counterparty?.fullName ?? null,
  });
}
