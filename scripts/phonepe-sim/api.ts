/** The PhonePe PG v2 endpoints as the simulator serves them (same paths and payloads, phonepe.md §1). */
import { env } from "../../lib/env.js";
import { type FaultTarget, MERCHANT_ID, type SimRefund, settleExpiry, sim, simId, takeFault } from "./state.js";
import { dispatch, orderPayload, refundPayload } from "./webhooks.js";

const checkoutUrl = (id: string) => `${env.PUBLIC_BASE_URL}/__phonepe/checkout/${encodeURIComponent(id)}`;
const MERCHANT_ID_RE = /^[A-Za-z0-9_-]{1,63}$/;

export const jsonRes = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
const pgError = (status: number, code: string, message: string) => jsonRes({ code, message, data: {} }, status);

/** Applies an injected fault. `timeout` runs `work` first (the effect happens) then withholds the answer. */
async function withFault(target: FaultTarget, work: () => Promise<Response> | Response): Promise<Response> {
  const fault = takeFault(target);
  if (fault === "timeout") {
    const res = await work();
    await new Promise((r) => setTimeout(r, sim.config.timeoutMs));
    return res;
  }
  if (fault === 400) return pgError(400, "BAD_REQUEST", "Request refused (injected)");
  if (fault === 429) return pgError(429, "TOO_MANY_REQUESTS", "Too many requests");
  if (fault) return pgError(fault, "INTERNAL_SERVER_ERROR", "Something went wrong");
  return work();
}

function authorized(request: Request): boolean {
  const [scheme, token] = (request.headers.get("authorization") ?? "").split(" ");
  const expiresAt = token ? sim.tokens.get(token) : undefined;
  return scheme === "O-Bearer" && expiresAt !== undefined && expiresAt > Date.now() / 1000;
}

export async function token(request: Request): Promise<Response> {
  const form = new URLSearchParams(await request.text());
  return withFault("token", () => {
    if (
      form.get("grant_type") !== "client_credentials" ||
      form.get("client_id") !== env.PHONEPE_CLIENT_ID ||
      form.get("client_secret") !== env.PHONEPE_CLIENT_SECRET ||
      form.get("client_version") !== env.PHONEPE_CLIENT_VERSION
    ) {
      return pgError(400, "BAD_REQUEST", "Invalid client credentials");
    }
    const now = Math.floor(Date.now() / 1000);
    const accessToken = `simtok.${simId("T")}`;
    const expiresAt = now + sim.config.tokenTtlSeconds;
    sim.tokens.set(accessToken, expiresAt);
    return jsonRes({
      access_token: accessToken,
      encrypted_access_token: accessToken,
      expires_in: null,
      issued_at: now,
      expires_at: expiresAt,
      session_expires_at: expiresAt,
      token_type: "O-Bearer",
    });
  });
}

export async function pay(request: Request): Promise<Response> {
  if (!authorized(request)) return pgError(401, "UNAUTHORIZED", "Invalid or expired token");
  const body = (await request.json().catch(() => null)) as Record<string, unknown> | null;
  return withFault("pay", () => {
    const flow = body?.paymentFlow as { type?: unknown; merchantUrls?: { redirectUrl?: unknown } } | undefined;
    const id = body?.merchantOrderId;
    const amount = body?.amount;
    const expireAfter = body?.expireAfter ?? 1200;
    if (typeof id !== "string" || !MERCHANT_ID_RE.test(id))
      return pgError(400, "BAD_REQUEST", "merchantOrderId is invalid");
    if (!Number.isSafeInteger(amount) || (amount as number) < 100)
      return pgError(400, "BAD_REQUEST", "amount must be >= 100");
    if (!Number.isInteger(expireAfter) || (expireAfter as number) < 300 || (expireAfter as number) > 3600)
      return pgError(400, "BAD_REQUEST", "expireAfter must be 300..3600");
    if (flow?.type !== "PG_CHECKOUT" || typeof flow.merchantUrls?.redirectUrl !== "string")
      return pgError(400, "BAD_REQUEST", "paymentFlow is invalid");
    const existing = sim.orders.get(id);
    if (existing) {
      // Undocumented at PhonePe (phonepe.md §7.15); modelled as: an identical repeat returns the
      // original order (a retry after a lost answer), a different body with the same id is rejected.
      if (existing.amount !== amount || existing.redirectUrl !== flow.merchantUrls.redirectUrl)
        return pgError(400, "DUPLICATE_ORDER", "merchantOrderId already used");
      return jsonRes({
        orderId: existing.orderId,
        state: existing.state,
        expireAt: existing.expireAt,
        redirectUrl: checkoutUrl(id),
      });
    }
    const order = {
      orderId: simId("OMO"),
      merchantOrderId: id,
      amount: amount as number,
      state: "PENDING" as const,
      expireAt: Date.now() + (expireAfter as number) * 1000,
      redirectUrl: flow.merchantUrls.redirectUrl,
      metaInfo: body?.metaInfo as Record<string, string> | undefined,
      attempts: [],
      refundedPaise: 0,
    };
    sim.orders.set(id, order);
    return jsonRes({
      orderId: order.orderId,
      state: order.state,
      expireAt: order.expireAt,
      redirectUrl: checkoutUrl(id),
    });
  });
}

export async function orderStatus(request: Request, merchantOrderId: string): Promise<Response> {
  if (!authorized(request)) return pgError(401, "UNAUTHORIZED", "Invalid or expired token");
  return withFault("status", () => {
    const order = sim.orders.get(merchantOrderId);
    if (!order) return pgError(400, "MERCHANT_ORDER_MAPPING_NOT_FOUND", "No entry found for Merchant");
    settleExpiry(order);
    return jsonRes(orderPayload(order));
  });
}

export async function refund(request: Request): Promise<Response> {
  if (!authorized(request)) return pgError(401, "UNAUTHORIZED", "Invalid or expired token");
  const body = (await request.json().catch(() => null)) as Record<string, unknown> | null;
  let created: SimRefund | null = null;
  const res = await withFault("refund", () => {
    const id = body?.merchantRefundId;
    const order = sim.orders.get(String(body?.originalMerchantOrderId));
    const amount = body?.amount;
    if (typeof id !== "string" || !MERCHANT_ID_RE.test(id))
      return pgError(400, "BAD_REQUEST", "merchantRefundId is invalid");
    if (sim.refunds.has(id) && sim.config.repeatedRefund === "duplicate")
      return pgError(400, "DUPLICATE_REFUND_ID", "Refund ID Duplicated");
    if (order?.state !== "COMPLETED" || !order) return pgError(400, "BAD_REQUEST", "Order is not COMPLETED");
    if (!Number.isSafeInteger(amount) || (amount as number) < 100)
      return pgError(400, "BAD_REQUEST", "amount must be >= 100");
    if (order.refundedPaise + (amount as number) > order.amount)
      return pgError(400, "EXCESS_REFUND_AMOUNT", "Refund exceeds order amount");
    if (sim.refunds.has(id)) return pgError(400, "DUPLICATE_REFUND_ID", "Refund ID Duplicated");
    order.refundedPaise += amount as number;
    created = {
      refundId: simId("OMR"),
      merchantRefundId: id,
      originalMerchantOrderId: order.merchantOrderId,
      amount: amount as number,
      state: "PENDING",
      timestamp: Date.now(),
    };
    sim.refunds.set(id, created);
    return jsonRes({ refundId: created.refundId, amount: created.amount, state: created.state });
  });
  const made = created as SimRefund | null;
  if (made && sim.config.refundOutcome !== "pending") {
    const outcome = sim.config.refundOutcome;
    setTimeout(() => void settleRefund(made, outcome === "completed" ? "COMPLETED" : "FAILED"), 20);
  }
  return res;
}

/** Moves a refund to its terminal state and sends the webhook (FAILED returns the amount to the order). */
export async function settleRefund(r: SimRefund, state: "COMPLETED" | "FAILED"): Promise<void> {
  if (r.state === "COMPLETED" || r.state === "FAILED") return;
  if (state === "COMPLETED" && r.state === "PENDING") {
    // PhonePe's path is PENDING → CONFIRMED (pg.refund.accepted) → COMPLETED.
    r.state = "CONFIRMED";
    await dispatch([{ event: "pg.refund.accepted", payload: refundPayload(r) }]);
  }
  r.state = state;
  r.timestamp = Date.now();
  if (state === "FAILED") {
    const order = sim.orders.get(r.originalMerchantOrderId);
    if (order) order.refundedPaise -= r.amount;
  }
  await dispatch([
    { event: state === "COMPLETED" ? "pg.refund.completed" : "pg.refund.failed", payload: refundPayload(r) },
  ]);
}

export async function refundStatus(request: Request, merchantRefundId: string): Promise<Response> {
  if (!authorized(request)) return pgError(401, "UNAUTHORIZED", "Invalid or expired token");
  return withFault("refundStatus", () => {
    const r = sim.refunds.get(merchantRefundId);
    if (!r) return pgError(400, "REFUND_NOT_FOUND", "No refund found");
    return jsonRes(refundPayload(r));
  });
}

export { MERCHANT_ID };
