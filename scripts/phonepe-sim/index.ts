/**
 * PhonePe PG v2 simulator (dev/test only, API.md §5), mounted at `/__phonepe`. Speaks the real paths
 * and payloads, so the production client is the code under test. State lives in process memory.
 */
import type { Mount } from "../dev-server.js";
import { jsonRes, orderStatus, pay, refund, refundStatus, token } from "./api.js";
import { checkoutAction, checkoutPage, expireOrder, settleOrder, settleRefundById, updateConfig } from "./control.js";
import { sim } from "./state.js";

export const PREFIX = "/__phonepe";

async function handle(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const path = url.pathname.slice(PREFIX.length);
  const seg = path.split("/").filter(Boolean).map(decodeURIComponent);
  const m = request.method;
  const body = async () => ((await request.json().catch(() => ({}))) ?? {}) as Record<string, unknown>;

  if (m === "POST" && path === "/v1/oauth/token") return token(request);
  if (m === "POST" && path === "/checkout/v2/pay") return pay(request);
  if (m === "GET" && seg[0] === "checkout" && seg[1] === "v2" && seg[2] === "order" && seg[4] === "status" && seg[3])
    return orderStatus(request, seg[3]);
  if (m === "POST" && path === "/payments/v2/refund") return refund(request);
  if (m === "GET" && seg[0] === "payments" && seg[2] === "refund" && seg[4] === "status" && seg[3])
    return refundStatus(request, seg[3]);

  if (seg[0] === "checkout" && seg.length === 2 && m === "GET") return checkoutPage(seg[1] as string);
  if (seg[0] === "checkout" && seg.length === 3 && m === "POST")
    return checkoutAction(seg[1] as string, seg[2] as string);

  if (seg[0] === "__sim") {
    if (m === "POST" && seg[1] === "config") return jsonRes(updateConfig(await body()));
    if (m === "GET" && seg[1] === "webhooks") return jsonRes(sim.webhooks);
    if (m === "GET" && seg[1] === "calls") return jsonRes(sim.calls);
    if (m === "POST" && seg[1] === "orders" && seg[2] && (seg[3] === "complete" || seg[3] === "fail")) {
      const order = sim.orders.get(seg[2]);
      if (!order) return jsonRes({ error: "unknown order" }, 404);
      const b = await body();
      const result = await settleOrder(order, seg[3], {
        amount: typeof b.amount === "number" ? b.amount : undefined,
        mode: typeof b.mode === "string" ? b.mode : undefined,
        force: b.force === true,
      });
      return jsonRes(result, result.ok ? 200 : 409);
    }
    if (m === "POST" && seg[1] === "orders" && seg[2] && seg[3] === "expire") {
      return expireOrder(seg[2]) ? jsonRes({ ok: true }) : jsonRes({ error: "unknown order" }, 404);
    }
    if (m === "POST" && seg[1] === "refunds" && seg[2] && (seg[3] === "complete" || seg[3] === "fail")) {
      const r = await settleRefundById(seg[2], seg[3]);
      return r ? jsonRes(r) : jsonRes({ error: "unknown refund" }, 404);
    }
  }
  return jsonRes({ code: "NOT_FOUND", message: `simulator: no route ${m} ${path}` }, 404);
}

export function phonePeSimMount(): Mount {
  return { prefix: PREFIX, handle };
}
