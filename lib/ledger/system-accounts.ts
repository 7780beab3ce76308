/**
 * System accounts are balance-less: their balance is derived from the append-only
 * `system_ledger_entries`, never stored in a row that postings would have to lock. A credit-normal
 * view is used (credits − debits): e.g. `adjustments` goes negative as admins fund wallets.
 */
import { sql } from "drizzle-orm";
import { type SystemAccountCode, systemLedgerEntries } from "../../db/schema/index.js";
import { type Database, db } from "../db/index.js";
import { type Paise, paiseFromDecimal } from "../money/index.js";

export async function systemAccountBalance(account: SystemAccountCode, handle: Database = db): Promise<Paise> {
  const [row] = await handle
    .select({
      net: sql<string>`COALESCE(SUM(${systemLedgerEntries.creditAmount} - ${systemLedgerEntries.debitAmount}), 0)`,
    })
    .from(systemLedgerEntries)
    .where(sql`${systemLedgerEntries.account} = ${account}`);
  return paiseFromDecimal(String(row?.net ?? "0"));
}
