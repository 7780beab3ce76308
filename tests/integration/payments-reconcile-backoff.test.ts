/**
 * The reconciler's queue is not starved by rows whose check keeps throwing (a database error, a bug, a
 * row that cannot be settled): such a row moves back RECONCILE_ERROR_BACKOFF_MS, so the rows behind it
 * get their turn. The syncs are wrapped to throw for chosen ids (the poison is ours, the queue is real);
 * the rows are dated in 1999–2001, ahead of anything other files in this worker leave due, and removed.
 */
import { eq, inArray } from "drizzle-orm";
import { afterAll, describe, expect, it, vi } from "vitest";
import { paymentRefunds, payments } from "../../db/schema/index.js";
import { db } from "../../lib/db/index.js";
import { logger } from "../../lib/log.js";
import { paise } from "../../lib/money/index.js";
import { RECONCILE_BUDGET_MS, reconcilePayments } from "../../lib/payments/reconcile.js";
import { createTestUser } from "../helpers/factories.js";
import { closeDatabases } from "../helpers/ledger.js";

const RECONCILE_ERROR_BACKOFF_MS = 300_000;
const poison = vi.hoisted(() => ({
  ids: new Set<string>(),
  synced: [] as string[],
  /** Before throwing, this row's sync moves its own schedule here (a sync that failed part-way). */
  movedFirst: new Map<string, Date>(),
  /** These rows' syncs take the whole time budget (PhonePe answering after 3 × its timeout). */
  slow: new Set<string>(),
}));

async function poisoned(key: string, moveTo: (at: Date) => Promise<unknown>) {
  poison.synced.push(key);
  if (poison.slow.has(key)) {
    const later = Date.now() + RECONCILE_BUDGET_MS + 1_000;
    vi.spyOn(Date, "now").mockReturnValue(later);
  }
  const at = poison.movedFirst.get(key);
  if (at) await moveTo(at);
  if (poison.ids.has(key)) throw new Error(`poisoned ${key}`);
}

vi.mock("../../lib/payments/sync-payment.js", async (original) => ({
  ...(await original<object>()),
  syncPayment: (id: number) =>
    poisoned(`payment:${id}`, (at) => db.update(payments).set({ nextCheckAt: at }).where(eq(payments.id, id))),
}));
vi.mock("../../lib/payments/sync-refund.js", async (original) => ({
  ...(await original<object>()),
  syncRefund: (id: number) =>
    poisoned(`refund:${id}`, (at) =>
      db.update(paymentRefunds).set({ nextCheckAt: at }).where(eq(paymentRefunds.id, id)),
    ),
}));

// Each failed check is logged at error level (the alert); kept out of the test output, counted instead.
const logged = vi.spyOn(logger, "error").mockImplementation(() => undefined);
const failedChecks = () => logged.mock.calls.filter((c) => String(c[1]).includes("sync failed")).length;

const created: number[] = [];
afterAll(async () => {
  await db.delete(payments).where(inArray(payments.id, created)); // refunds go with them (cascade)
  await closeDatabases();
});

async function duePayment(userId: number, nextCheckAt: Date): Promise<number> {
  const [row] = await db
    .insert(payments)
    .values({ userId, amount: paise(1_000), nextCheckAt })
    .$returningId();
  created.push(row?.id as number);
  return row?.id as number;
}

const dueAt = (iso: string) => new Date(iso);
const nextCheckOf = async (table: typeof payments | typeof paymentRefunds, id: number) =>
  (await db.select({ at: table.nextCheckAt }).from(table).where(eq(table.id, id)))[0]?.at;

describe("reconciler queue", () => {
  it("a payment whose check throws moves back, and the payments behind it are checked", async () => {
    const user = await createTestUser();
    const now = dueAt("2000-01-01T01:00:00Z");
    const [a, b, healthy] = [
      await duePayment(user.id, dueAt("2000-01-01T00:01:00Z")),
      await duePayment(user.id, dueAt("2000-01-01T00:02:00Z")),
      await duePayment(user.id, dueAt("2000-01-01T00:03:00Z")),
    ];
    poison.ids = new Set([`payment:${a}`, `payment:${b}`]);
    const movedTo = dueAt("2000-01-01T03:00:00Z");
    poison.movedFirst = new Map([[`payment:${b}`, movedTo]]);
    poison.synced = [];

    const first = await reconcilePayments(now, 2);
    expect(first).toMatchObject({ paymentsChecked: 2, errors: 2 });
    expect(failedChecks()).toBe(2);
    expect(poison.synced).toEqual([`payment:${a}`, `payment:${b}`]);
    expect(await nextCheckOf(payments, a)).toEqual(new Date(now.getTime() + RECONCILE_ERROR_BACKOFF_MS));
    expect(await nextCheckOf(payments, b)).toEqual(movedTo); // its own new schedule is kept

    poison.synced = [];
    await reconcilePayments(new Date(now.getTime() + 60_000), 2);
    expect(poison.synced).toEqual([`payment:${healthy}`]); // not a and b again
    await db.delete(payments).where(inArray(payments.id, [a, b, healthy])); // not due in the next test
  });

  it("a refund whose check throws moves back, and the refunds behind it are checked", async () => {
    const user = await createTestUser();
    const paymentId = await duePayment(user.id, dueAt("2030-01-01T00:00:00Z")); // not due in 2001
    const refund = async (n: number) => {
      const [row] = await db
        .insert(paymentRefunds)
        .values({
          paymentId,
          userId: user.id,
          merchantRefundId: `NXR-BACKOFF-${paymentId}-${n}`,
          amount: paise(100),
          kind: "auto_cap",
          nextCheckAt: dueAt(`2001-01-01T00:0${n}:00Z`),
        })
        .$returningId();
      return row?.id as number;
    };
    const [a, b, healthy] = [await refund(1), await refund(2), await refund(3)];
    poison.ids = new Set([`refund:${a}`, `refund:${b}`]);
    poison.movedFirst = new Map();
    poison.synced = [];
    const now = dueAt("2001-01-01T01:00:00Z");

    expect(await reconcilePayments(now, 2)).toMatchObject({ paymentsChecked: 0, refundsChecked: 2, errors: 2 });
    expect(await nextCheckOf(paymentRefunds, b)).toEqual(new Date(now.getTime() + RECONCILE_ERROR_BACKOFF_MS));
    poison.synced = [];
    await reconcilePayments(new Date(now.getTime() + 60_000), 2);
    expect(poison.synced).toEqual([`refund:${healthy}`]);
  });

  it("payments and refunds take turns, so slow payment checks cannot spend every run's budget", async () => {
    const user = await createTestUser();
    const paymentId = await duePayment(user.id, dueAt("2030-01-01T00:00:00Z")); // the refund's payment, not due
    const [early, slowOne] = [
      await duePayment(user.id, dueAt("1999-01-01T00:01:00Z")),
      await duePayment(user.id, dueAt("1999-01-01T00:02:00Z")),
    ];
    const [row] = await db
      .insert(paymentRefunds)
      .values({
        paymentId,
        userId: user.id,
        merchantRefundId: `NXR-TURNS-${paymentId}`,
        amount: paise(100),
        kind: "auto_cap",
        nextCheckAt: dueAt("1999-01-01T00:03:00Z"),
      })
      .$returningId();
    poison.ids = new Set();
    poison.movedFirst = new Map();
    poison.slow = new Set([`payment:${slowOne}`]);
    poison.synced = [];
    try {
      const report = await reconcilePayments(dueAt("1999-01-01T01:00:00Z"), 5);
      expect(poison.synced).toEqual([`payment:${early}`, `refund:${row?.id}`, `payment:${slowOne}`]);
      expect(report).toMatchObject({ paymentsChecked: 2, refundsChecked: 1, truncated: true });
    } finally {
      vi.mocked(Date.now).mockRestore();
      poison.slow = new Set();
      await db.delete(payments).where(inArray(payments.id, [early, slowOne]));
    }
  });
});
