/**
 * IST calendar days in the wallet reads: a day D runs from (D−1) 18:30 UTC to D 18:30 UTC, a line's
 * `ledgerDate` is the IST date of its `createdAt`, and the list filter and the statement cut at exactly
 * those instants.
 */
import type { RowDataPacket } from "mysql2";
import { afterAll, describe, expect, it, vi } from "vitest";
import * as statementRoute from "../../api/wallet/statement.js";
import * as listRoute from "../../api/wallet/transactions.js";
import { pool } from "../../lib/db/index.js";
import { istDate } from "../../lib/wallet/ist-dates.js";
import type { TransactionView } from "../../lib/wallet/transaction-view.js";
import { createTestUser } from "../helpers/factories.js";
import { closeDatabases, expectLedgerClean, fundWallet, p2p, rewriteHistory } from "../helpers/ledger.js";
import { call } from "../helpers/request.js";

afterAll(closeDatabases);

type Page = { data: TransactionView[]; nextCursor: string | null };
type Statement = {
  from: string;
  to: string;
  openingBalancePaise: number;
  closingBalancePaise: number;
  data: TransactionView[];
};

/** Moves a line to `utc`, with the ledger date that instant has in IST (history as it would have been written). */
async function backdate(lineId: number, utc: string, ledgerDate: string): Promise<void> {
  const [[line]] = await pool.query<RowDataPacket[]>("SELECT user_id FROM transactions WHERE id = ?", [lineId]);
  await rewriteHistory([Number(line?.user_id)], () =>
    pool.query("UPDATE transactions SET created_at = FROM_UNIXTIME(?), ledger_date = ? WHERE id = ?", [
      Date.parse(utc) / 1000,
      ledgerDate,
      lineId,
    ]),
  );
}

describe("IST days in the wallet reads", () => {
  it("a fresh line's ledgerDate is the IST date of its createdAt", async () => {
    const [a, b] = [await createTestUser(), await createTestUser()];
    await fundWallet(a.id, 2_000);
    await p2p(a.id, b.id, 700);
    const page = await call<Page>(listRoute, { path: "/api/wallet/transactions", token: a.token });
    expect(page.body.data).toHaveLength(2);
    for (const line of page.body.data) expect(line.ledgerDate).toBe(istDate(new Date(line.createdAt)));
    await expectLedgerClean();
  });

  it("a line's date comes from the database's clock, as its timestamp does, whatever the app's clock says", async () => {
    const [a, b] = [await createTestUser(), await createTestUser()];
    // An app instance whose clock runs three days ahead (the database is the ledger's one clock).
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 3 * 86_400_000 });
    try {
      await fundWallet(a.id, 2_000);
      await p2p(a.id, b.id, 700);
    } finally {
      vi.useRealTimers();
    }
    const page = await call<Page>(listRoute, { path: "/api/wallet/transactions", token: a.token });
    expect(page.body.data).toHaveLength(2);
    for (const line of page.body.data) {
      // Stamped now by the database, not three days ahead (compared with the timestamp, not with a
      // date taken here, so a run across IST midnight cannot make it flaky).
      expect(Math.abs(Date.parse(line.createdAt) - Date.now())).toBeLessThan(60_000);
      expect(line.ledgerDate).toBe(istDate(new Date(line.createdAt)));
    }
    // The limit counters are on the same clock: the sender's debit counts in the line's day.
    const [days] = await pool.query<RowDataPacket[]>(
      "SELECT DATE_FORMAT(period_start, '%Y-%m-%d') AS day FROM wallet_limit_usage WHERE user_id = ? AND period = 'day'",
      [a.id],
    );
    expect(days.map((r) => r.day)).toEqual([page.body.data[0]?.ledgerDate]);
    await expectLedgerClean();
  });

  it("list filters and statements cut at 18:30 UTC, and a statement with only `to` covers that month", async () => {
    const [a, b] = [await createTestUser(), await createTestUser()];
    await fundWallet(a.id, 10_000);
    await p2p(a.id, b.id, 1_000);
    await p2p(b.id, a.id, 300);
    await fundWallet(a.id, 500);
    const [lines] = (await pool.query("SELECT id FROM transactions WHERE user_id = ? ORDER BY wallet_seq", [
      a.id,
    ])) as unknown as [{ id: number }[]];
    const at = [
      ["2026-03-09T18:29:59Z", "2026-03-09"], // 23:59:59 IST on the 9th
      ["2026-03-09T18:30:00Z", "2026-03-10"], // 00:00:00 IST on the 10th
      ["2026-03-10T18:29:59Z", "2026-03-10"],
      ["2026-03-10T18:30:00Z", "2026-03-11"],
    ] as const;
    for (const [i, [utc, day]] of at.entries()) await backdate(Number(lines[i]?.id), utc, day);

    const list = async (query: Record<string, string>) =>
      (await call<Page>(listRoute, { path: "/api/wallet/transactions", token: a.token, query })).body.data.map((t) => [
        t.amountPaise,
        t.ledgerDate,
      ]);
    expect(await list({ from: "2026-03-10", to: "2026-03-10" })).toEqual([
      [300, "2026-03-10"],
      [1_000, "2026-03-10"],
    ]);
    expect(await list({ to: "2026-03-09" })).toEqual([[10_000, "2026-03-09"]]);
    expect(await list({ from: "2026-03-11" })).toEqual([[500, "2026-03-11"]]);

    const statement = async (query: Record<string, string>) =>
      (await call<Statement>(statementRoute, { path: "/api/wallet/statement", token: a.token, query })).body;
    const day = await statement({ from: "2026-03-10", to: "2026-03-10" });
    expect(day).toMatchObject({ from: "2026-03-10", to: "2026-03-10", openingBalancePaise: 10_000 });
    expect(day.data.map((t) => t.amountPaise)).toEqual([1_000, 300]);
    expect(day.closingBalancePaise).toBe(10_000 - 1_000 + 300);

    const monthOfTo = await statement({ to: "2026-03-10" });
    expect(monthOfTo).toMatchObject({ from: "2026-03-01", to: "2026-03-10", openingBalancePaise: 0 });
    expect(monthOfTo.data.map((t) => t.amountPaise)).toEqual([10_000, 1_000, 300]);
    expect(monthOfTo.closingBalancePaise).toBe(9_300);
    await expectLedgerClean();
  });
});
