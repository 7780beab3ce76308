/**
 * API.md §2 details of the wallet reads that wallet-reads.test.ts leaves out: a hold shows in `heldPaise`
 * and comes off `availablePaise` (and off what a transfer may spend), the list's default page size and
 * status filter, and the statement's refusals (unknown format, over 366 days).
 */
import { afterAll, describe, expect, it } from "vitest";
import * as balanceRoute from "../../api/wallet/balance.js";
import * as statementRoute from "../../api/wallet/statement.js";
import * as listRoute from "../../api/wallet/transactions.js";
import * as transfersRoute from "../../api/wallet/transfers.js";
import type { TransactionView } from "../../lib/wallet/transaction-view.js";
import { createTestUser } from "../helpers/factories.js";
import { closeDatabases, expectLedgerClean, fundWallet, holdFor, p2p, testRef } from "../helpers/ledger.js";
import { call } from "../helpers/request.js";

afterAll(closeDatabases);

type Page = { data: TransactionView[]; nextCursor: string | null };
type Failure = { error: { code: string; message: string } };

describe("wallet reads, contract details", () => {
  it("a hold counts in heldPaise, not in availablePaise, and a transfer may spend only what is available", async () => {
    const [u, other] = [await createTestUser(), await createTestUser()];
    await fundWallet(u.id, 10_000);
    await holdFor(u.id, 3_500);
    const balance = await call(balanceRoute, { path: "/api/wallet/balance", token: u.token });
    expect(balance.body).toEqual({ balancePaise: 10_000, heldPaise: 3_500, availablePaise: 6_500, currency: "INR" });
    const send = (amountPaise: number) =>
      call<Failure>(transfersRoute, {
        method: "POST",
        path: "/api/wallet/transfers",
        token: u.token,
        body: { recipient: other.userCode, amountPaise },
        idempotencyKey: testRef("K"),
      });
    const over = await send(6_501);
    expect(over.status).toBe(422);
    expect(over.body.error.code).toBe("INSUFFICIENT_FUNDS");
    expect((await send(6_500)).status).toBe(201);
    const after = await call(balanceRoute, { path: "/api/wallet/balance", token: u.token });
    expect(after.body).toMatchObject({ balancePaise: 3_500, heldPaise: 3_500, availablePaise: 0 });
    await expectLedgerClean();
  });

  it("pages 20 lines by default, filters by status, and refuses from after to", async () => {
    const [a, b] = [await createTestUser(), await createTestUser()];
    await fundWallet(a.id, 100_000);
    for (let i = 0; i < 21; i++) await p2p(a.id, b.id, 100 + i);
    const path = "/api/wallet/transactions";
    const first = await call<Page>(listRoute, { path, token: a.token });
    expect(first.body.data).toHaveLength(20);
    expect(first.body.data.map((t) => t.amountPaise)).toEqual(Array.from({ length: 20 }, (_, i) => 120 - i));
    const rest = await call<Page>(listRoute, { path, token: a.token, query: { cursor: first.body.nextCursor ?? "" } });
    expect(rest.body.data.map((t) => t.amountPaise)).toEqual([100, 100_000]);
    expect(rest.body.nextCursor).toBeNull();
    const completed = await call<Page>(listRoute, { path, token: a.token, query: { status: "completed", limit: 100 } });
    expect(completed.body.data).toHaveLength(22);
    const pending = await call<Page>(listRoute, { path, token: a.token, query: { status: "pending" } });
    expect(pending.body).toEqual({ data: [], nextCursor: null });
    const reversed = await call<Failure>(listRoute, {
      path,
      token: a.token,
      query: { from: "2026-03-02", to: "2026-03-01" },
    });
    expect(reversed.status).toBe(400);
    expect(reversed.body.error.code).toBe("BAD_REQUEST");
    await expectLedgerClean();
  });

  it("refuses a statement in an unknown format or over more than 366 days", async () => {
    const u = await createTestUser();
    const path = "/api/wallet/statement";
    const pdf = await call<Failure>(statementRoute, { path, token: u.token, query: { format: "pdf" } });
    expect(pdf.status).toBe(400);
    const long = await call<Failure>(statementRoute, {
      path,
      token: u.token,
      query: { from: "2025-01-01", to: "2026-01-02" },
    });
    expect(long.status).toBe(400);
    expect(long.body.error.message).toMatch(/366 days/);
    const year = await call(statementRoute, { path, token: u.token, query: { from: "2025-01-01", to: "2026-01-01" } });
    expect(year.status).toBe(200);
  });
});
