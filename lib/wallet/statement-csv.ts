/**
 * The CSV download of a statement (RFC 4180, one header row, amounts as rupee decimals "1500.50").
 * Text cells a spreadsheet would run as a formula (= + - @, tab, CR) are prefixed with a quote, and
 * every text cell is quoted (OWASP "CSV injection"), because remarks and descriptions can carry another
 * user's free text: unquoted, "x;=HYPERLINK(…)" becomes a live formula where `;` separates cells.
 */
import { decimalFromPaise } from "../money/index.js";
import type { TransactionView } from "./transaction-view.js";

const HEADER = [
  "Date (IST)",
  "Created at (UTC)",
  "Reference",
  "Type",
  "Ledger type",
  "Status",
  "Description",
  "Remarks",
  "Counterparty",
  "Debit (INR)",
  "Credit (INR)",
  "Fee (INR)",
  "Opening balance (INR)",
  "Closing balance (INR)",
];

/** A text cell: formula triggers neutralised, always quoted. A number cell (`text` false) stays bare. */
export function csvCell(value: string | null | undefined, text = true): string {
  let v = value ?? "";
  if (!text) return v;
  if (/^[=+\-@\t\r]/.test(v)) v = `'${v}`;
  return `"${v.replaceAll('"', '""')}"`;
}

export const CSV_HEADER_LINE = `${HEADER.join(",")}\r\n`;

/** One statement line as a CSV record (with its CRLF). */
export function csvLine(t: TransactionView): string {
  const counterparty = t.counterparty ? [t.counterparty.name, t.counterparty.userCode].filter(Boolean).join(" ") : "";
  const cells = [
    csvCell(t.ledgerDate),
    csvCell(t.createdAt),
    csvCell(t.referenceNumber),
    csvCell(t.type),
    csvCell(t.ledgerType),
    csvCell(t.status),
    csvCell(t.description),
    csvCell(t.remarks),
    csvCell(counterparty),
    ...[t.debitPaise, t.creditPaise, t.feePaise, t.openingBalancePaise, t.closingBalancePaise].map((p) =>
      csvCell(decimalFromPaise(p), false),
    ),
  ];
  return `${cells.join(",")}\r\n`;
}

export const statementFilename = (head: { from: string; to: string }) =>
  `nexaspay-statement-${head.from}-to-${head.to}.csv`;
