/**
 * Wallet reads over real ledger lines: balance, keyset pagination that stays exact while lines are
 * inserted, filters, detail ownership (404), statement opening/closing arithmetic, CSV format and
 * formula-injection guard, limits.
 */
import { eq, inArray, sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import * as limitsRoute from "../../api/me/limits.js";
import * as balanceRoute from "../../api/wallet/balance.js";
import * as statementRoute from "../../api/wallet/statement.js";
import * as detailRoute from "../../api/wallet/transactions/[id].js";
import * as listRoute from "../../api/wallet/transactions.js";
import { transactions } from "../../db/schema/index.js";
import { db, pool } from "../../lib/db/index.js";
import { post } from "../../lib/ledger/index.js";
import { type Paise, paise } from "../../lib/money/index.js";
import { planStatement, statementPages } from "../../lib/wallet/get-statement.js";
import { istDate, istMonthStart } from "../../lib/wallet/ist-dates.js";
import type { TransactionView } from "../../lib/wallet/transaction-view.js";
import { generateHistory } from "../../scripts/bench/setup-data.js";
import { startAtTheNextWindow } from "../helpers/clock.js";
import { createTestUser } from "../helpers/factories.js";
import { closeDatabases, expectLedgerClean, fundWallet, rewriteHistory, testRef } from "../helpers/ledger.js";
import { call } from "../helpers/request.js";

afterAll(closeDatabases);

type Page = { data: TransactionView[]; nextCursor: string | null };

/** A P2P posting between two wallets, straight through the ledger (the route is tested elsewhere). */
async function p2p(fromId: number, toId: number, amountPaise: number, remarks?: string) {
  const amount = paise(amountPaise);
  await post({
    reference: testRef("P2P"),
    kind: "p2p",
    enforceLimits: false,
    walletLegs: [
      {
        userId: fromId,
        direction: "debit",
        amountPaise: amount,
        transactionType: "transfer",
        ledgerType: "Transfer",
        counterpartyUserId: toId,
        remarks,
      },
      {
        userId: toId,
        direction: "credit",
        amountPaise: amount,
        transactionType: "transfer",
        ledgerType: "Transfer",
        counterpartyUserId: fromId,
        remarks,
      },
    ],
    systemLegs: [],
  });
}

describe("GET /api/wallet/balance", () => {
  it("returns balance, held and available in paise", async () => {
    const u = await createTestUser();
    await fundWallet(u.id, 150_050);
    const res = await call(balanceRoute, { path: "/api/wallet/balance", token: u.token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ balancePaise: 150_050, heldPaise: 0, availablePaise: 150_050, currency: "INR" });
    expect((await call(balanceRoute, { path: "/api/wallet/balance" })).status).toBe(401);
  });
});

describe("GET /api/wallet/transactions", () => {
  it("pages newest first with no duplicates or gaps while new lines keep arriving", async () => {
    const [a, b] = await Promise.all([createTestUser(), createTestUser()]);
    await fundWallet(a.id, 1_000_000);
    for (let i = 0; i < 44; i++) await p2p(a.id, b.id, 100 + i);
    const original = await db.select({ id: transactions.id }).from(transactions).where(eq(transactions.userId, a.id));
    expect(original).toHaveLength(45);

    let stop = false;
    const writer = (async () => {
      let n = 0;
      while (!stop) {
        await fundWallet(a.id, 1 + n++);
      }
      return n;
    })();
    const seen: TransactionView[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await call<Page>(listRoute, {
        path: "/api/wallet/transactions",
        token: a.token,
        query: { limit: 7, cursor },
      });
      expect(res.status).toBe(200);
      seen.push(...res.body.data);
      cursor = res.body.nextCursor ?? undefined;
      pages++;
      await new Promise((r) => setTimeout(r, 5));
    } while (cursor);
    stop = true;
    const inserted = await writer;
    expect(inserted).toBeGreaterThan(0);

    const ids = seen.map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { id } of original) expect(ids).toContain(id);
    // Newest first, and each line's opening is the next (older) line's closing: no gap inside what was served.
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i - 1]?.openingBalancePaise).toBe(seen[i]?.closingBalancePaise);
    }
    expect(pages).toBeGreaterThanOrEqual(7);
    await expectLedgerClean();
  });

  it("filters by type, serves only the caller's lines, and rejects bad input with 400", async () => {
    const [a, b] = await Promise.all([createTestUser(), createTestUser()]);
    await fundWallet(a.id, 50_000);
    await p2p(a.id, b.id, 1_000, "lunch");
    const res = await call<Page>(listRoute, {
      path: "/api/wallet/transactions",
      token: a.token,
      query: { type: "transfer" },
    });
    expect(res.body.data).toHaveLength(1);
    const line = res.body.data[0] as TransactionView;
    expect(line).toMatchObject({
      type: "transfer",
      ledgerType: "Transfer",
      status: "completed",
      amountPaise: 1_000,
      debitPaise: 1_000,
      creditPaise: 0,
      openingBalancePaise: 50_000,
      closingBalancePaise: 49_000,
      feePaise: 0,
      remarks: "lunch",
      counterparty: { userCode: b.userCode, name: expect.any(String) },
    });
    expect(line.ledgerDate).toBe(istDate(new Date(line.createdAt)));
    expect(res.body.nextCursor).toBeNull();
    const theirs = await call<Page>(listRoute, { path: "/api/wallet/transactions", token: b.token });
    expect(theirs.body.data.map((t) => t.id)).not.toContain(line.id);
    for (const query of [
      { limit: 0 },
      { limit: 101 },
      { cursor: "bm9wZQ" },
      { type: "bogus" },
      { from: "2026-02-30" },
      { extra: 1 },
    ]) {
      const bad = await call(listRoute, { path: "/api/wallet/transactions", token: a.token, query });
      expect(bad.status, JSON.stringify(query)).toBe(400);
    }
    await expectLedgerClean();
  });
});

describe("GET /api/wallet/transactions/[id]", () => {
  it("returns the caller's line and 404 for another user's", async () => {
    const [a, b] = await Promise.all([createTestUser(), createTestUser()]);
    await fundWallet(a.id, 20_000);
    const list = await call<Page>(listRoute, { path: "/api/wallet/transactions", token: a.token });
    const id = list.body.data[0]?.id as number;
    const mine = await call<{ transaction: TransactionView }>(detailRoute, {
      path: `/api/wallet/transactions/${id}`,
      query: { id },
      token: a.token,
    });
    expect(mine.status).toBe(200);
    expect(mine.body.transaction).toEqual(list.body.data[0]);
    const other = await call<{ error: { code: string } }>(detailRoute, {
      path: `/api/wallet/transactions/${id}`,
      query: { id },
      token: b.token,
    });
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe("NOT_FOUND");
    const bad = await call(detailRoute, { path: "/api/wallet/transactions/abc", query: { id: "abc" }, token: a.token });
    expect(bad.status).toBe(400);
    await expectLedgerClean();
  });
});

describe("GET /api/wallet/statement", () => {
  it("brackets this month's lines with opening/closing balances that add up", async () => {
    const [a, b] = await Promise.all([createTestUser(), createTestUser()]);
    await fundWallet(a.id, 100_000);
    await p2p(a.id, b.id, 12_345);
    // Move the first two lines into an earlier month: they now make up the opening balance.
    const lines = await db
      .select({ id: transactions.id })
      .from(transactions)
      .where(eq(transactions.userId, a.id))
      .orderBy(transactions.walletSeq);
    await rewriteHistory([a.id], () =>
      db
        .update(transactions)
        .set({
          createdAt: sql`${transactions.createdAt} - INTERVAL 40 DAY`,
          ledgerDate: sql`${transactions.ledgerDate} - INTERVAL 40 DAY`,
        })
        .where(
          inArray(
            transactions.id,
            lines.map((l) => l.id),
          ),
        ),
    );
    await p2p(b.id, a.id, 2_000);
    await fundWallet(a.id, 5_555);
    await p2p(a.id, b.id, 10_000, '=HYPERLINK("http://evil","x")');

    const res = await call<{
      from: string;
      to: string;
      openingBalancePaise: Paise;
      closingBalancePaise: Paise;
      data: TransactionView[];
    }>(statementRoute, { path: "/api/wallet/statement", token: a.token });
    expect(res.status).toBe(200);
    const s = res.body;
    expect(s.from).toBe(istMonthStart());
    expect(s.to).toBe(istDate());
    expect(s.openingBalancePaise).toBe(100_000 - 12_345);
    expect(s.data.map((t) => t.amountPaise)).toEqual([2_000, 5_555, 10_000]);
    const net = s.data.reduce((sum, t) => sum + t.creditPaise - t.debitPaise, 0);
    expect(s.closingBalancePaise).toBe(s.openingBalancePaise + net);
    expect(s.closingBalancePaise).toBe(100_000 - 12_345 + 2_000 + 5_555 - 10_000);

    const csv = await call(statementRoute, { path: "/api/wallet/statement", token: a.token, query: { format: "csv" } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(csv.headers.get("content-disposition")).toMatch(/^attachment; filename="nexaspay-statement-.*\.csv"$/);
    const rows = csv.text.trimEnd().split("\r\n");
    expect(rows).toHaveLength(4);
    expect(rows[0]).toMatch(/^Date \(IST\),/);
    expect(rows[1]).toContain(",0.00,20.00,0.00,876.55,896.55");
    expect(rows[3]).toContain(`"'=HYPERLINK(""http://evil"",""x"")"`);
    expect(rows[3]).toContain(",100.00,0.00,0.00,");

    const empty = await call<{ openingBalancePaise: number; closingBalancePaise: number; data: unknown[] }>(
      statementRoute,
      {
        path: "/api/wallet/statement",
        token: a.token,
        query: { from: "2020-01-01", to: "2020-01-31" },
      },
    );
    expect(empty.body).toMatchObject({ openingBalancePaise: 0, closingBalancePaise: 0, data: [] });
    const reversed = await call(statementRoute, {
      path: "/api/wallet/statement",
      token: a.token,
      query: { from: "2026-02-01", to: "2026-01-01" },
    });
    expect(reversed.status).toBe(400);
    await expectLedgerClean();
  });
});

describe("a long statement, streamed", () => {
  type StatementBody = { openingBalancePaise: number; closingBalancePaise: number; data: TransactionView[] };

  it("serves a busy wallet's 10,051 lines as JSON and CSV, in order, adding up, with the line count", async () => {
    const [u, v] = await Promise.all([createTestUser(), createTestUser()]);
    // 10,050 one-paisa deposits, 10 s apart (line k closes at k paise), then one transfer out.
    await generateHistory(pool, [{ id: u.id }], 10_050, String(Date.now() % 100000));
    await p2p(u.id, v.id, 100);
    const query = { from: istDate(new Date(Date.now() - 3 * 86_400_000)), to: istDate() };
    const json = await call<StatementBody>(statementRoute, { path: "/api/wallet/statement", token: u.token, query });
    expect([json.status, json.headers.get("x-statement-lines")]).toEqual([200, "10051"]);
    const { data, openingBalancePaise, closingBalancePaise } = json.body;
    expect([data.length, openingBalancePaise, closingBalancePaise]).toEqual([10_051, 0, 9_950]);
    // Oldest first and chained: every line opens at the previous line's close.
    expect(data.every((t, i) => t.openingBalancePaise === (i === 0 ? 0 : data[i - 1]?.closingBalancePaise))).toBe(true);
    expect(data.reduce((sum, t) => sum + t.creditPaise - t.debitPaise, 0)).toBe(closingBalancePaise);

    const csv = await call(statementRoute, {
      path: "/api/wallet/statement",
      token: u.token,
      query: { ...query, format: "csv" },
    });
    expect([csv.status, csv.headers.get("x-statement-lines")]).toEqual([200, "10051"]);
    const rows = csv.text.split("\r\n");
    expect(rows).toHaveLength(10_053); // header, 10,051 lines, and the empty string after the last CRLF
    expect(rows[10_000]).toMatch(/,0\.00,0\.01,0\.00,99\.99,100\.00$/); // line 10,000 closes at 10,000 paise
    expect(rows[10_051]).toMatch(/,1\.00,0\.00,0\.00,100\.50,99\.50$/);
    await expectLedgerClean();
  });

  it("is a snapshot: lines posted while it streams are neither listed nor in its balances", async () => {
    const [a, b] = await Promise.all([createTestUser(), createTestUser()]);
    await fundWallet(a.id, 10_000);
    for (let i = 1; i <= 5; i++) await p2p(a.id, b.id, i * 100);
    const plan = await planStatement(db, a.id, {});
    expect(plan.head).toMatchObject({ lineCount: 6, openingBalancePaise: 0, closingBalancePaise: 8_500 });
    const seen: TransactionView[] = [];
    for await (const page of statementPages(db, plan, 2)) {
      expect(page.length).toBeLessThanOrEqual(2);
      seen.push(...page);
      await p2p(a.id, b.id, 1); // arrives mid-stream
    }
    expect(seen.map((t) => t.debitPaise)).toEqual([0, 100, 200, 300, 400, 500]);
    expect(seen[seen.length - 1]?.closingBalancePaise).toBe(plan.head.closingBalancePaise);
    expect((await planStatement(db, a.id, {})).head).toMatchObject({ lineCount: 9, closingBalancePaise: 8_497 });
    await expectLedgerClean();
  });
});

describe("filtered history over a long wallet", () => {
  it("a rare type or an absent status examines a bounded window per page and continues by cursor", async () => {
    const [u, v] = await Promise.all([createTestUser(), createTestUser()]);
    await generateHistory(pool, [{ id: u.id }], 12_000, String(Date.now() % 100000)); // 12,000 deposits
    await p2p(u.id, v.id, 100); // line 12,001, the only transfer
    const pages = async (filter: string) => {
      const out: { seqs: number[]; cursor: string | null }[] = [];
      let cursor: string | null = null;
      do {
        const res: { status: number; body: Page } = await call<Page>(listRoute, {
          path: `/api/wallet/transactions?limit=50&${filter}${cursor ? `&cursor=${cursor}` : ""}`,
          token: u.token,
        });
        expect(res.status).toBe(200);
        out.push({ seqs: res.body.data.map((t) => t.closingBalancePaise), cursor: res.body.nextCursor });
        cursor = res.body.nextCursor;
      } while (cursor && out.length < 10);
      return out;
    };
    // Windows of SCAN_WINDOW_LINES (5,000): lines 12,001..7,002, 7,001..2,002, 2,001..1; short pages carry
    // on. Line k of the history closes at k paise; the transfer's line at 12,000 − 100.
    expect((await pages("type=transfer")).map((p) => p.seqs)).toEqual([[11_900], [], []]);
    expect((await pages("status=pending")).map((p) => p.seqs)).toEqual([[], [], []]);
    // A filter that matches fills its pages as before.
    const deposits = await pages("type=deposit");
    expect(deposits[0]?.seqs).toEqual(Array.from({ length: 50 }, (_, i) => 12_000 - i));
    await expectLedgerClean();
  });
});

describe("GET /api/me/limits", () => {
  it("shows tier, limits and usage", async () => {
    const u = await createTestUser();
    const res = await call(limitsRoute, { path: "/api/me/limits", token: u.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      tier: expect.any(String),
      daily: { limitPaise: expect.any(Number), usedPaise: 0 },
      monthly: { limitPaise: expect.any(Number), usedPaise: 0 },
      maxBalancePaise: expect.any(Number),
    });
  });
});

describe("the per-user read limit", () => {
  it("answers 429 with Retry-After past 600 reads a minute, and a revoked session still gets 401 first", async () => {
    const u = await createTestUser();
    const other = await createTestUser();
    startAtTheNextWindow("walletReadPerUser");
    const statuses: number[] = [];
    let sent = 0;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        while (sent++ < 600)
          statuses.push((await call(balanceRoute, { path: "/api/wallet/balance", token: u.token })).status);
      }),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(600);
    const limited = await call<{ error: { code: string } }>(listRoute, {
      path: "/api/wallet/transactions",
      token: u.token,
    });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe("RATE_LIMITED");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    // Another user's budget is separate.
    expect((await call(balanceRoute, { path: "/api/wallet/balance", token: other.token })).status).toBe(200);
    // Authentication is decided before the limit: a revoked session is 401, not 429.
    await db.execute(sql`UPDATE sessions SET revoked_at = NOW() WHERE id = ${u.sessionId}`);
    expect((await call(balanceRoute, { path: "/api/wallet/balance", token: u.token })).status).toBe(401);
  });

  it("statements have a budget of their own: 20 a minute, then 429, while other reads go on", async () => {
    const u = await createTestUser();
    startAtTheNextWindow("walletStatementPerUser");
    const statement = () => call(statementRoute, { path: "/api/wallet/statement", token: u.token });
    for (let i = 0; i < 20; i++) expect((await statement()).status).toBe(200);
    const limited = await statement();
    expect([limited.status, Number(limited.headers.get("retry-after")) > 0]).toEqual([429, true]);
    expect((await call(balanceRoute, { path: "/api/wallet/balance", token: u.token })).status).toBe(200);
  });

  it("reads alongside the auth checks but answers in their order: 401, then 400, then the page", async () => {
    const u = await createTestUser();
    await fundWallet(u.id, 5_000);
    const list = (query: Record<string, string>) =>
      call<{ data?: TransactionView[]; error?: { code: string } }>(listRoute, {
        path: "/api/wallet/transactions",
        token: u.token,
        query,
      });
    const bad = { limit: "0" };
    expect((await list(bad)).body.error?.code).toBe("VALIDATION_FAILED");
    const page = await list({ limit: "5" });
    expect(page.status).toBe(200);
    expect(page.body.data).toHaveLength(1);
    await db.execute(sql`UPDATE sessions SET revoked_at = NOW() WHERE id = ${u.sessionId}`);
    // The page was read for the revoked session too; none of it, nor the query's fault, gets out.
    for (const query of [bad, { limit: "5" }]) {
      const res = await list(query);
      expect(res.status).toBe(401);
      expect(res.text).not.toContain("data");
    }
    const balance = await call(balanceRoute, { path: "/api/wallet/balance", token: u.token });
    expect(balance.status).toBe(401);
    expect(balance.text).not.toContain("Paise");
    await expectLedgerClean();
  });
});
