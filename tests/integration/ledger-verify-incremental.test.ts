/**
 * Recorded verifier runs (admin endpoint, cron): an incremental run checks what arrived after a
 * checkpoint and still sees a posting that committed after a checkpoint whose watermark is above it;
 * a failing run is a checkpoint whose failure stays outstanding; a backlog is examined in chunks.
 * Corruptions are raw SQL, repaired before the next step (as in ledger-verify.test.ts).
 */
import { and, desc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as acknowledgeRoute from "../../api/admin/ledger/acknowledge.js";
import * as verifyRoute from "../../api/admin/ledger/verify.js";
import * as verifyCron from "../../api/cron/verify-ledger.js";
import { auditLogs, ledgerVerifications } from "../../db/schema/index.js";
import { db, pool } from "../../lib/db/index.js";
import {
  outstandingFailure,
  RUN_EVERY_MS,
  runVerification,
  scheduledVerification,
  sweepOldVerifications,
  VERIFICATION_RETENTION_MS,
} from "../../lib/ledger/index.js";
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
/** No checkpoint is an hour older than the newest run: the bounded checks over the whole ledger. */
const fromTheStart = () => runVerification("incremental", { overlapMs: 3_600_000 });
/** Rewrites one ledger line's column by `by` (the append-only guards lifted); shift back to repair. */
const shiftLine = (id: unknown, column: string, by: number) =>
  withAppendOnlyLifted(() =>
    db.execute(sql.raw(`UPDATE transactions SET ${column} = ${column} + ${by} WHERE id = ${Number(id)}`)),
  );

/**
 * Shifts columns of one row by the given amounts, runs an incremental verification, and shifts them
 * back: the checks that caught the corruption. The repair is derived from the same description.
 */
async function caughtBy(
  table: "transactions" | "users",
  id: unknown,
  shifts: Record<string, number>,
  verify = fromTheStart,
): Promise<string[]> {
  const update = (sign: 1 | -1) =>
    sql.raw(
      `UPDATE ${table} SET ${Object.entries(shifts)
        .map(([column, by]) => `${column} = ${column} + ${sign * by}`)
        .join(", ")} WHERE id = ${Number(id)}`,
    );
  await withAppendOnlyLifted(() => db.execute(update(1)));
  try {
    return checksOf(await verify());
  } finally {
    await withAppendOnlyLifted(() => db.execute(update(-1)));
  }
}

/** The highest ledger line id now. */
const highestLineId = async () =>
  Number(((await pool.query("SELECT MAX(id) AS n FROM transactions")) as unknown as [[{ n: number }]])[0][0].n);

/** No recorded runs, over a ledger with `transfers` more postings between two new wallets. */
async function freshStart(transfers: number) {
  await db.delete(ledgerVerifications);
  const [a, b] = [await createTestUser(), await createTestUser()];
  await fundWallet(a.id, 50_000);
  for (let i = 0; i < transfers; i++) await p2p(a.id, b.id, 100);
  return { a, b, top: await highestLineId() };
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
    expect(await caughtBy("users", a.id, { wallet_balance: 1 }, incremental)).toEqual(["balance_equals_last_closing"]);
    const [drift] = await db.select().from(ledgerVerifications).orderBy(desc(ledgerVerifications.id)).limit(1);
    expect(drift?.linesFrom).toBeGreaterThanOrEqual(oldLine);

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
    // The failing runs above stay outstanding until a clean run has examined their ranges again.
    expect((await incremental()).outstanding).not.toBeNull();
    expect(await runVerification("full")).toMatchObject({ ok: true, outstanding: null });
    await expectLedgerClean();
  });

  it("a failing run is a checkpoint too: later runs move on, and name it until a clean run re-examines it", async () => {
    await db.delete(ledgerVerifications);
    const [a, b] = [await createTestUser(), await createTestUser()];
    await fundWallet(a.id, 50_000);
    expect(await runVerification("full")).toMatchObject({ ok: true, outstanding: null });
    const bad = (await p2p(a.id, b.id, 1_000)).lines.find((l) => l.direction === "credit")?.id;
    // A rewritten fee: only the hash chain can tell.
    const tamper = (by: number) => shiftLine(bad, "fee_amount", by);
    await tamper(1);
    try {
      await sleep(OVERLAP_MS + 50);
      const found = await incremental();
      expect(checksOf(found)).toEqual(["line_hash"]);
      expect(found.outstanding).toMatchObject({ since: found.startedAt, scope: "incremental", violationCount: 1 });

      await p2p(a.id, b.id, 500);
      await sleep(OVERLAP_MS + 50);
      // `found` is the newest run, so this one still starts at the full run below it: reported again.
      expect((await incremental()).ok).toBe(false);
      await sleep(OVERLAP_MS + 50);
      // Now `found` is old enough to be the base: the bad row is below it and not examined again, so the
      // run is cheap and clean — and still names the older failure (the cron logs it at error level).
      const past = await incremental();
      expect(past.checked.from).toEqual(found.checked.to);
      expect(past.ok).toBe(true);
      expect(past.outstanding?.since).toEqual(found.startedAt);
      const cron = await call<{ runs: unknown[]; outstanding: { since: string } | null }>(verifyCron, {
        path: "/api/cron/verify-ledger",
        headers: { authorization: `Bearer ${process.env.CRON_SECRET}` },
      });
      // (`past` is recent and caught up, so the cron runs nothing now, and still names the failure.)
      expect(cron.body).toMatchObject({ runs: [], outstanding: { since: found.startedAt.toISOString() } });
      // Housekeeping keeps an outstanding failure (and what follows it) past the retention period.
      const later = new Date(Date.now() + VERIFICATION_RETENTION_MS + 60_000);
      expect(await sweepOldVerifications(later)).toBe(1); // only the full run before it
      expect((await outstandingFailure())?.since).toEqual(found.startedAt);
      // A full run while the row is still bad does not clear it.
      expect((await runVerification("full")).outstanding?.since).toEqual(found.startedAt);
    } finally {
      await tamper(-1);
    }
    expect(await runVerification("full")).toMatchObject({ ok: true, outstanding: null });
    await expectLedgerClean();
  });

  it("an admin acknowledges failures a repair cannot clear (append-only rows): no longer outstanding, audited", async () => {
    await db.delete(ledgerVerifications);
    const [a, b, admin, customer] = [
      await createTestUser(),
      await createTestUser(),
      await createTestUser({ role: "admin" }),
      await createTestUser(),
    ];
    await fundWallet(a.id, 50_000);
    const bad = (await p2p(a.id, b.id, 1_000)).lines[0]?.id;
    const tamper = (by: number) => shiftLine(bad, "fee_amount", by);
    await tamper(1);
    try {
      const first = await runVerification("full");
      const second = await runVerification("full");
      expect([first.ok, second.ok]).toEqual([false, false]);
      expect(second.outstanding?.since).toEqual(first.startedAt);
      const acknowledge = (token: string, body: unknown) =>
        call<{ acknowledged: number; outstanding: unknown; error?: { code: string } }>(acknowledgeRoute, {
          method: "POST",
          path: "/api/admin/ledger/acknowledge",
          token,
          body,
        });
      const through = second.startedAt.toISOString();
      expect((await acknowledge(customer.token, { through, note: "compensated by posting 42" })).status).toBe(403);
      expect((await acknowledge(admin.token, { through, note: "short" })).status).toBe(400);
      const res = await acknowledge(admin.token, { through, note: "compensated by posting 42" });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ acknowledged: 2, outstanding: null });
      expect(await outstandingFailure()).toBeNull();
      const [audit] = await db
        .select()
        .from(auditLogs)
        .where(and(eq(auditLogs.action, "ledger.violations_acknowledged"), eq(auditLogs.actorUserId, admin.id)));
      expect(audit?.after).toEqual({ through, note: "compensated by posting 42", runs: 2 });
      // A later run that finds the row again (a full one re-examines it) is a new failure to look at.
      expect((await runVerification("full")).outstanding).not.toBeNull();
    } finally {
      await tamper(-1);
    }
    expect(await runVerification("full")).toMatchObject({ ok: true, outstanding: null });
    await expectLedgerClean();
  });

  it("examines a backlog in chunks of at most maxIdsPerRun ids per table, each run continuing the last", async () => {
    await db.delete(ledgerVerifications);
    const [a, b] = [await createTestUser(), await createTestUser()];
    await fundWallet(a.id, 50_000);
    for (let i = 0; i < 3; i++) await p2p(a.id, b.id, 100);
    const bad = (await p2p(a.id, b.id, 100)).lines.find((l) => l.direction === "debit")?.id as number;
    const [[top]] = (await pool.query(
      "SELECT (SELECT MAX(id) FROM transactions) AS lines_top, (SELECT MAX(id) FROM postings) AS postings_top",
    )) as unknown as [[{ lines_top: number; postings_top: number }]];
    const chunk = Math.ceil(Number(top.lines_top) / 5);
    const tamper = (by: number) => shiftLine(bad, "opening_balance", by);
    await tamper(5);
    const runs = [];
    try {
      // No checkpoint yet (a first deploy over an existing ledger): from the start, one chunk per run.
      for (let i = 0; i < 6; i++)
        runs.push(await runVerification("incremental", { overlapMs: 0, maxIdsPerRun: chunk }));
    } finally {
      await tamper(-5);
    }
    expect(runs[0]?.checked.from).toEqual({ lines: 0, system: 0, postings: 0 });
    for (const [i, run] of runs.entries()) {
      if (i > 0) expect(run.checked.from).toEqual(runs[i - 1]?.checked.to);
      expect(run.checked.to.lines - run.checked.from.lines).toBeLessThanOrEqual(chunk);
      expect(run.checked.to.postings - run.checked.from.postings).toBeLessThanOrEqual(chunk);
    }
    expect(runs[3]?.checked.to.lines).toBeLessThan(Number(top.lines_top)); // four chunks are not enough
    expect(runs.at(-1)?.checked.to.lines).toBeGreaterThanOrEqual(Number(top.lines_top));
    expect(runs.at(-1)?.checked.to.postings).toBeGreaterThanOrEqual(Number(top.postings_top));
    // The bad line was examined by exactly the run whose range holds it.
    const holders = runs.filter((r) => r.checked.from.lines < bad && bad <= r.checked.to.lines);
    expect(holders).toHaveLength(1);
    expect(runs.filter((r) => !r.ok)).toEqual(holders);
    expect(checksOf(holders[0] as (typeof runs)[number])).toEqual(["chain_link", "line_arithmetic", "line_hash"]);
    expect(await runVerification("full")).toMatchObject({ ok: true, outstanding: null });
    await expectLedgerClean();
  });

  it("at the real cadence (an overlap), a backlog advances a whole chunk per run once an older run exists", async () => {
    const { top } = await freshStart(4);
    const chunk = Math.ceil(top / 6);
    const runs = [];
    for (let i = 0; i < 5; i++) {
      runs.push(await runVerification("incremental", { overlapMs: OVERLAP_MS, maxIdsPerRun: chunk }));
      await sleep(OVERLAP_MS + 50);
    }
    const froms = runs.map((r) => r.checked.from.lines);
    // No run is OVERLAP_MS older than the first yet: the second starts over. From the third on, each run
    // starts where the one before it stopped (its ids lie below what an older snapshot saw).
    expect(froms.slice(0, 2)).toEqual([0, 0]);
    for (const i of [2, 3, 4]) expect(froms[i]).toBe(runs[i - 1]?.checked.to.lines);
    expect(runs[4]?.checked.to.lines).toBe(Math.min(top, 4 * chunk));
    expect(runs.every((r) => r.ok)).toBe(true);
    await expectLedgerClean();
  });

  it("after a cut-short run, the next base is what the older snapshot saw, not where that run stopped", async () => {
    const { a, b, top: seenByCut } = await freshStart(4);
    const cut = await runVerification("incremental", { overlapMs: OVERLAP_MS, maxIdsPerRun: 3 });
    expect(cut.checked.to.lines).toBe(3); // stopped far below what its snapshot saw
    await sleep(OVERLAP_MS + 50);
    await p2p(a.id, b.id, 100);
    const whole = await runVerification("incremental", { overlapMs: OVERLAP_MS });
    expect(whole.checked.from.lines).toBe(0); // no run is OVERLAP_MS older than `cut`'s successor yet
    expect(whole.checked.to.lines).toBe(await highestLineId());
    // `whole` examined everything `cut`'s snapshot saw (all committed by then), so that is the next base;
    // the rows above it may have been invisible to `whole` and are examined again.
    const next = await incremental();
    expect(next.checked.from.lines).toBe(seenByCut);
    expect(next.checked.to.lines).toBe(await highestLineId());
    expect(next.ok).toBe(true);
    await expectLedgerClean();
  });

  it("scheduled: every 5 minutes once caught up; a backlog is chained chunk after chunk within the budget", async () => {
    const { top } = await freshStart(4);
    const chunk = Math.ceil(top / 6);
    const schedule = { overlapMs: OVERLAP_MS, maxIdsPerRun: chunk, budgetMs: 60_000 };
    // No run is OVERLAP_MS older than the first: the chain cannot go on from it yet.
    const first = await scheduledVerification(schedule);
    expect(first.map((r) => [r.checked.from.lines, r.cutShort])).toEqual([[0, true]]);
    // Cut short: the next call runs at once (not 5 minutes later), and a budget too small for a second
    // chunk still runs one.
    expect(await scheduledVerification({ ...schedule, budgetMs: 1 })).toHaveLength(1);
    await sleep(OVERLAP_MS + 50);
    const chained = await scheduledVerification(schedule);
    // From the second run on, each continues where the one before stopped, up to the last row.
    expect(chained.length).toBeGreaterThanOrEqual(5);
    for (const [i, run] of chained.entries()) {
      expect(run.ok).toBe(true);
      expect(run.checked.to.lines - run.checked.from.lines).toBeLessThanOrEqual(chunk);
      if (i > 0) expect(run.checked.from).toEqual(chained[i - 1]?.checked.to);
    }
    expect(chained.at(-1)).toMatchObject({ cutShort: false, checked: { to: { lines: top } } });
    expect(chained.slice(0, -1).every((r) => r.cutShort)).toBe(true);
    // Caught up and recent: nothing to do until 5 minutes after the newest run.
    expect(await scheduledVerification(schedule)).toEqual([]);
    const due = await scheduledVerification({ ...schedule, now: Date.now() + RUN_EVERY_MS });
    expect(due).toHaveLength(1);
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

  it("cron: needs the cron secret, then runs incrementally, and not again while the newest run is recent", async () => {
    await db.delete(ledgerVerifications);
    const user = await createTestUser({ role: "admin" });
    const path = "/api/cron/verify-ledger";
    expect((await call(verifyCron, { path, token: user.token })).status).toBe(401);
    const cron = () =>
      call<{ runs: unknown[] }>(verifyCron, { path, headers: { authorization: `Bearer ${process.env.CRON_SECRET}` } });
    const res = await cron();
    expect(res.status).toBe(200);
    expect(res.body.runs).toEqual([expect.objectContaining({ ok: true, scope: "incremental", cutShort: false })]);
    expect((await cron()).body).toEqual({ runs: [], outstanding: null });
  });
});
