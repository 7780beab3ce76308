/**
 * The simulator's control surface (API.md §5): outcomes for orders and refunds, the fault knobs, and
 * the hosted checkout page a person (or the browser test) clicks through.
 */
import { settleRefund } from "./api.js";
import { defaultConfig, type SimOrder, sim, simId } from "./state.js";
import { dispatch, orderPayload } from "./webhooks.js";

export type Outcome = "complete" | "fail";

const MODES: Record<string, string> = { upi: "UPI_INTENT", card: "CARD", netbanking: "NET_BANKING", wallet: "WALLET" };

/**
 * Drives an order to COMPLETED or FAILED and sends the webhook(s). `amount` pays a different amount
 * (mismatch tests); `force` completes an order already FAILED/expired (late completion).
 */
export async function settleOrder(
  order: SimOrder,
  outcome: Outcome,
  options: { amount?: number; mode?: string; force?: boolean } = {},
): Promise<{ ok: boolean; state: string }> {
  const terminal = order.state !== "PENDING" || Date.now() > order.expireAt;
  if (terminal && !(options.force && outcome === "complete" && order.state !== "COMPLETED")) {
    return { ok: false, state: order.state };
  }
  const paymentMode = MODES[options.mode ?? "upi"] ?? "UPI_INTENT";
  const stale = {
    transactionId: simId("OM"),
    paymentMode,
    timestamp: Date.now(),
    amount: order.amount,
    state: "FAILED" as const,
    errorCode: "TXN_NOT_COMPLETED",
  };
  const attempt = {
    transactionId: simId("OM"),
    paymentMode,
    timestamp: Date.now(),
    amount: options.amount ?? order.amount,
    state: outcome === "complete" ? ("COMPLETED" as const) : ("FAILED" as const),
    ...(outcome === "fail" ? { errorCode: "PAYMENT_ERROR" } : {}),
  };
  // One earlier failed attempt, so "reorder" has a stale event to deliver after the terminal one.
  const staleEvent = {
    event: "checkout.transaction.attempt.failed",
    payload: { ...orderPayload(order), state: "PENDING", paymentDetails: [stale] },
  };
  order.attempts.push(stale, attempt);
  order.state = outcome === "complete" ? "COMPLETED" : "FAILED";
  order.errorCode = outcome === "fail" ? "PAYMENT_ERROR" : undefined;
  if (outcome === "complete") order.expireAt = Math.max(order.expireAt, Date.now() + 1000);
  const terminalEvent = {
    event: outcome === "complete" ? "checkout.order.completed" : "checkout.order.failed",
    payload: orderPayload(order),
  };
  await dispatch([staleEvent, terminalEvent]);
  return { ok: true, state: order.state };
}

const html = (body: string, status = 200) =>
  new Response(
    `<!doctype html><html><head><meta charset="utf-8"><title>PhonePe (simulator)</title></head><body>${body}</body></html>`,
    {
      status,
      headers: { "content-type": "text/html; charset=utf-8" },
    },
  );

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function checkoutPage(merchantOrderId: string): Response {
  const order = sim.orders.get(merchantOrderId);
  if (!order) return html("<h1>Unknown order</h1>", 404);
  const base = `/__phonepe/checkout/${encodeURIComponent(merchantOrderId)}`;
  const button = (action: string, label: string) =>
    `<form method="post" action="${base}/${action}" style="display:inline"><button id="${action}" type="submit">${label}</button></form>`;
  return html(
    `<h1>PhonePe checkout (simulator)</h1><p>Order <code>${esc(order.merchantOrderId)}</code> — ₹${(order.amount / 100).toFixed(2)} — ${order.state}</p>` +
      button("pay", "Pay") +
      button("fail", "Fail") +
      button("pending", "Leave pending"),
  );
}

/** A click on the checkout page: apply the outcome, then send the browser back to the merchant. */
export async function checkoutAction(merchantOrderId: string, action: string): Promise<Response> {
  const order = sim.orders.get(merchantOrderId);
  if (!order) return html("<h1>Unknown order</h1>", 404);
  if (action === "pay") await settleOrder(order, "complete");
  else if (action === "fail") await settleOrder(order, "fail");
  return new Response(null, { status: 303, headers: { location: order.redirectUrl } });
}

export function updateConfig(body: Record<string, unknown>) {
  if (body.reset) {
    // Orders and refunds survive (they are PhonePe's records); knobs and the delivery log do not.
    sim.config = defaultConfig();
    sim.webhooks.length = 0;
    sim.calls.length = 0;
  }
  const { reset: _r, revokeTokens, faults, ...rest } = body;
  Object.assign(sim.config, rest);
  if (faults && typeof faults === "object") Object.assign(sim.config.faults, faults);
  if (revokeTokens) sim.tokens.clear();
  return sim.config;
}

export async function settleRefundById(id: string, outcome: Outcome) {
  const r = sim.refunds.get(id);
  if (!r) return null;
  await settleRefund(r, outcome === "complete" ? "COMPLETED" : "FAILED");
  return r;
}

/** Makes an order's expiry instant (tests of expiry without waiting 5 minutes). */
export function expireOrder(id: string) {
  const order = sim.orders.get(id);
  if (order) order.expireAt = Date.now() - 1;
  return order ?? null;
}
