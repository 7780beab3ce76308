/**
 * Helpers for PhonePe tests: drive the simulator's control API over real HTTP, initiate top-ups through
 * the real route, and count what actually moved (postings, balances, sim orders).
 */
import { randomUUID } from "node:crypto";
import { and, eq, like } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import { auditLogs, payments, postings, users } from "../../db/schema/index.js";
import { db } from "../../lib/db/index.js";
import type { DevServer } from "../../scripts/dev-server.js";
import { startTestServer } from "./dev-server.js";
import type { TestUser } from "./factories.js";
import { closeDatabases, expectLedgerClean } from "./ledger.js";
import { call } from "./request.js";

// biome-ignore lint/suspicious/noExplicitAny: JSON response bodies are read ad hoc in tests.
export type Body = any;

export const simBase = () => `${process.env.PUBLIC_BASE_URL}/__phonepe`;

export async function sim<T = Body>(
  path: string,
  body?: unknown,
  method = "POST",
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${simBase()}/__sim${path}`, {
    method: body === undefined && method === "GET" ? "GET" : method,
    headers: { "content-type": "application/json" },
    body: method === "GET" ? undefined : JSON.stringify(body ?? {}),
  });
  return { status: res.status, body: (await res.json()) as T };
}

export const simConfig = (knobs: Record<string, unknown>) => sim("/config", knobs);
export const resetSim = () => sim("/config", { reset: true });
export const simWebhooks = async () =>
  (
    await sim<{ event: string; body: string; authorization: string; status: number | null }[]>(
      "/webhooks",
      undefined,
      "GET",
    )
  ).body;
export const simCalls = async () => (await sim<{ target: string }[]>("/calls", undefined, "GET")).body;

export async function initiate(user: TestUser, amountPaise: number, idempotencyKey = `k-${randomUUID()}`) {
  const mod = await import("../../api/payments/initiate.js");
  return call<Body>(mod, {
    method: "POST",
    path: "/api/payments/initiate",
    token: user.token,
    body: { amountPaise },
    idempotencyKey,
  });
}

export async function getPaymentApi(user: TestUser, id: number) {
  const mod = await import("../../api/payments/[id].js");
  return call<Body>(mod, { method: "GET", path: `/api/payments/${id}`, query: { id }, token: user.token });
}

/** POSTs to the webhook route over real HTTP (as PhonePe would). */
export async function postWebhook(body: string, authorization: string | null) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (authorization !== null) headers.authorization = authorization;
  const res = await fetch(`${process.env.PUBLIC_BASE_URL}/api/webhooks/phonepe`, { method: "POST", headers, body });
  return { status: res.status, text: await res.text() };
}

export async function runCron(secret = process.env.CRON_SECRET) {
  const res = await fetch(`${process.env.PUBLIC_BASE_URL}/api/cron/reconcile-payments`, {
    headers: { authorization: `Bearer ${secret}` },
  });
  return { status: res.status, body: (await res.json()) as Body };
}

/** Makes every scheduled check due now (instead of waiting for PhonePe's 20 s first-poll delay). */
export async function makeChecksDue(paymentId: number) {
  await db
    .update(payments)
    .set({ nextCheckAt: new Date(Date.now() - 1000) })
    .where(eq(payments.id, paymentId));
}

export async function balanceOf(userId: number): Promise<number> {
  const [row] = await db.select({ b: users.walletBalance }).from(users).where(eq(users.id, userId));
  return Number(row?.b ?? Number.NaN);
}

/** How many ledger postings credited this order (must be 0 or 1). */
export async function creditPostings(merchantOrderId: string): Promise<number> {
  return (
    await db
      .select({ id: postings.id })
      .from(postings)
      .where(eq(postings.reference, `phonepe:${merchantOrderId}`))
  ).length;
}

export async function paymentRow(id: number) {
  const [row] = await db.select().from(payments).where(eq(payments.id, id));
  if (!row) throw new Error(`payment ${id} missing`);
  return row;
}

export async function auditActions(paymentId: number): Promise<string[]> {
  const rows = await db
    .select({ action: auditLogs.action })
    .from(auditLogs)
    .where(and(eq(auditLogs.entityType, "payment"), eq(auditLogs.entityId, String(paymentId))))
    .orderBy(auditLogs.id);
  return rows.map((r) => r.action);
}

export async function countPaymentsLike(userId: number) {
  return (
    await db
      .select({ id: payments.id })
      .from(payments)
      .where(and(eq(payments.userId, userId), like(payments.phonepeMerchantTransactionId, "NXP-%")))
  ).length;
}

/** Waits until `check` returns true (webhooks are delivered asynchronously by the simulator). */
export async function waitFor(check: () => Promise<boolean>, timeoutMs = 8000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * The lifecycle every PhonePe test file needs: the dev server (API + simulator) on this file's port,
 * a reset simulator before each test, the ledger verifier after each, and closed pools at the end.
 * Returns the running server's base URL (valid once the file's tests run).
 */
export function usePhonePeHarness(): { url: () => string } {
  let server: DevServer | undefined;
  beforeAll(async () => {
    server = await startTestServer();
  });
  beforeEach(() => resetSim());
  afterEach(() => expectLedgerClean());
  afterAll(async () => {
    await server?.close();
    await closeDatabases();
  });
  return { url: () => server?.url ?? "" };
}
