/**
 * Recorded verifier runs (admin endpoint, cron): an incremental run checks what arrived after a clean
 * checkpoint and still sees a posting that committed after a checkpoint whose watermark is above it.
 * Corruptions are raw SQL, repaired before the next step (as in ledger-verify.test.ts).
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as verifyRoute from "../../api/admin/ledger/verify.js";
import * as verifyCron from "../../api/cron/verify-ledger.js";
import { ledgerVerifications } from "../../db/schema/index.js";
import { db, pool } from "../../lib/db/index.js";
import { runVerification } from "../../lib/ledger/index.js";
import { createTestUser } from "../helpers/factories.js";
import {
  closeDatabases,
  expectLedgerClean,
  fundWallet,
  p2p,
  testRef,
  withAppendOnlyLifted,
} from "../helpers/ledger.js";
import { call } from "../helpers/request.js";

// Runs of other files in this worker's database are not this file's checkpoints.
beforeAll(() => db.delete(ledgerVerifications));
afterAll(closeDatabases);

const OVERLAP_MS = 200;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const checksOf = (run: { violations: { check: string }[] }) => [...new Set(run.violations.map((v) => v.check))].sort();
const incremental = () => runVerification("incremental", { overlapMs: OVERLAP_MS });
/**
 * Shifts columns of one row by the given amounts, runs an incremental verification, and shifts them
 * back: the checks that caught the corruption. The repair is derived from the same description.
 */
async function caughtBy(
  table: "transactions" | "users",
  id: unknown,
  shifts: Record<string, number>,
): Promise<string[]> {
  const update = (sign: 1 | -1) =>
    sql.raw(
      `UPDATE ${table} SET ${Object.entries(shifts)
        .map(([column, by]) => `${column} = ${column} + ${sign * by}`)
        .join(", ")} WHERE id = ${Number(id)}`,
    );
  await withAppendOnlyLifted(() => db.execute(update(1)));
  try {
    return checksOf(await incremental());
  } finally {
    await withAppendOnlyLifted(() => db.execute(update(-1)));
  }
}

describe("incremental ledger verification", () => {
  it("checks the rows after an older clean checkpoint; wallet tables always whole; old rows need a full run", async () => {
    await db.delete(ledgerVerifications);
    const [a, b] = [await createTestUser(), await createTestUser()];
    await fundWallet(a.id, 50_000);
    const full = await runVerification("full");
    expect(full).toMatchObject({ ok: true, scope: "full", checked: { from: { lines: 0, system: 0, postings: 0 } } });
    const oldLine = full.checked.to.lines;

    await sleep(OVERLAP_MS + 50);
    // No clean checkpoint is OVERLAP_MS older than the newest (the full run) yet: the whole ledger again.
    const first = await incremental();
    expect(first.checked.from).toEqual({ lines: 0, system: 0, postings: 0 });
    const posted = await p2p(a.id, b.id, 1_000);
    const run = await incremental();
    expect(run.ok).toBe(true);
    // The base is the full run (the newest clean one at least OVERLAP_MS older than `first`).
    expect(run.checked.from).toEqual(full.checked.to);
    expect(run.checked.to.lines).toBeGreaterThanOrEqual(Math.max(...posted.lines.map((l) => l.id)));
    expect(run.checked.to.postings).toBe(posted.postingId);

    const [debit, credit] = ["debit", "credit"].map((d) => posted.lines.find((l) => l.direction === d)?.id);
    expect(await caughtBy("transactions", debit, { debit_amount: 1, amount: 1 })).toEqual([
      "line_arithmetic",
      "line_hash",
      "posting_sums_to_zero",
    ]);
    expect(await caughtBy("transactions", debit, { opening_balance: 5 })).toEqual([
      "chain_link",
      "line_arithmetic",
      "line_hash",
    ]);
    expect(await caughtBy("transactions", credit, { wallet_seq: 10 })).toEqual([
      "balance_equals_last_closing",
      "chain_link",
      "line_hash",
      "seq_beyond_wallet",
    ]);
    expect(await caughtBy("transactions", credit, { posting_id: 1000000 })).toEqual([
      "leg_without_posting",
      "line_hash",
      "posting_sums_to_zero",
    ]);

    // Wallet rows change, so their checks never narrow: a drifted balance is seen by every run.
    expect(await caughtBy("users", a.id, { wallet_balance: 1 })).toEqual(["balance_equals_last_closing"]);

    // Ledger rows are append-only (the database refuses edits): rewriting one below the base anyway, with
    // the guards lifted, is what the full run is for.
    await withAppendOnlyLifted(() =>
      db.execute(sql.raw(`UPDATE transactions SET balance_cap = 1.00 WHERE id = ${oldLine}`)),
    );
    try {
      const narrow = await incremental();
      expect(narrow.ok).toBe(true);
      expect(narrow.checked.from.lines).toBeGreaterThanOrEqual(oldLine);
      expect(checksOf(await runVerification("full"))).toEqual(["credit_within_kyc_cap", "line_hash"]);
    } finally {
      await withAppendOnlyLifted(() =>
        db.execute(sql.raw(`UPDATE transactions SET balance_cap = NULL WHERE id = ${oldLine}`)),
      );
    }
    expect((await runVerification("full")).ok).toBe(true);
    await expectLedgerClean();
  });

  it("still checks a posting that commits after a checkpoint already past its id", async () => {
    await db.delete(ledgerVerifications);
    const [a, b] = [await createTestUser(), await createTestUser()];
    await fundWallet(a.id, 50_000);
    const base = await runVerification("full");
    expect(base.ok).toBe(true);
    await sleep(OVERLAP_MS + 50);

    // A posting row without legs (a broken writer), its id taken now, its commit held back.
    const slow = await pool.getConnection();
    const reference = testRef("SLOW");
    try {
      await slow.query("START TRANSACTION");
      await slow.query("INSERT INTO postings (reference, kind) VALUES (?, 'p2p')", [reference]);
      const [[inserted]] = (await slow.query("SELECT LAST_INSERT_ID() AS id")) as unknown as [[{ id: string }]];
      const row = { id: Number(inserted.id) };
      const later = await p2p(a.id, b.id, 500);
      expect(later.postingId).toBeGreaterThan(row.id);

      const before = await incremental();
      expect(before.ok).toBe(true);
      expect(before.checked.to.postings).toBeGreaterThan(row.id);
      await slow.query("COMMIT");
      await sleep(OVERLAP_MS + 50);

      // Starting above `before`'s watermark would skip it; the base is the older checkpoint instead.
      const after = await incremental();
      expect(after.checked.from.postings).toBe(base.checked.to.postings);
      expect(after.checked.from.postings).toBeLessThan(row.id);
      expect(checksOf(after)).toEqual(["posting_without_wallet_line"]);
      expect(after.violations[0]?.detail).toContain(reference);
    } finally {
      await slow.query("ROLLBACK").catch(() => {});
      await withAppendOnlyLifted(() => slow.query("DELETE FROM postings WHERE reference = ?", [reference]));
      slow.release();
    }
    expect((await incremental()).ok).toBe(true);
    await expectLedgerClean();
  });
});

describe("verifier routes", () => {
  it("admin: ?scope picks the run (full by default), another value is a 400; the run is recorded", async () => {
    await db.delete(ledgerVerifications);
    const admin = await createTestUser({ role: "admin" });
    const path = "/api/admin/ledger/verify";
    const full = await call<{ ok: boolean; scope: string; checkedAt: string }>(verifyRoute, {
      path,
      token: admin.token,
    });
    expect(full.status).toBe(200);
    expect(full.body).toMatchObject({ ok: true, violations: [], scope: "full" });
    expect(Date.parse(full.body.checkedAt)).not.toBeNaN();
    const inc = await call(verifyRoute, { path, token: admin.token, query: { scope: "incremental" } });
    expect(inc.body).toMatchObject({ ok: true, scope: "incremental" });
    const bad = await call(verifyRoute, { path, token: admin.token, query: { scope: "some" } });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: "VALIDATION_FAILED" } });
    const recorded = await db.select().from(ledgerVerifications);
    expect(recorded.map((r) => [r.scope, r.ok])).toEqual([
      ["full", true],
      ["incremental", true],
    ]);
  });

  it("cron: needs the cron secret, then runs incrementally", async () => {
    const user = await createTestUser({ role: "admin" });
    const path = "/api/cron/verify-ledger";
    expect((await call(verifyCron, { path, token: user.token })).status).toBe(401);
    const res = await call(verifyCron, { path, headers: { authorization: `Bearer ${process.env.CRON_SECRET}` } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, scope: "incremental" });
  });
});
