/** The simulator's webhook dispatcher: PhonePe's v2 envelope, header, and the delivery fault knobs. */
import { env } from "../../lib/env.js";
import { webhookAuthorization } from "../../lib/phonepe/webhook.js";
import { MERCHANT_ID, type SimOrder, type SimRefund, sim } from "./state.js";

export function orderPayload(order: SimOrder) {
  const latest = order.attempts.at(-1);
  return {
    merchantId: MERCHANT_ID,
    merchantOrderId: order.merchantOrderId,
    orderId: order.orderId,
    state: order.state,
    amount: latest?.state === "COMPLETED" ? latest.amount : order.amount,
    expireAt: order.expireAt,
    ...(order.metaInfo ? { metaInfo: order.metaInfo } : {}),
    ...(order.errorCode ? { errorCode: order.errorCode, detailedErrorCode: order.errorCode } : {}),
    paymentDetails: latest ? [latest] : [],
  };
}

export function refundPayload(refund: SimRefund) {
  return {
    merchantId: MERCHANT_ID,
    merchantRefundId: refund.merchantRefundId,
    originalMerchantOrderId: refund.originalMerchantOrderId,
    refundId: refund.refundId,
    amount: refund.amount,
    state: refund.state,
    timestamp: refund.timestamp,
    paymentDetails: [],
  };
}

const LEGACY_TYPE: Record<string, string> = {
  "checkout.order.completed": "CHECKOUT_ORDER_COMPLETED",
  "checkout.order.failed": "CHECKOUT_ORDER_FAILED",
  "checkout.transaction.attempt.failed": "CHECKOUT_TRANSACTION_ATTEMPT_FAILED",
  "pg.refund.accepted": "PG_REFUND_ACCEPTED",
  "pg.refund.completed": "PG_REFUND_COMPLETED",
  "pg.refund.failed": "PG_REFUND_FAILED",
};

type Event = { event: string; payload: unknown };

async function deliver(event: Event): Promise<void> {
  const body = JSON.stringify({
    event: event.event,
    type: LEGACY_TYPE[event.event] ?? event.event,
    payload: event.payload,
  });
  const good = webhookAuthorization(env.PHONEPE_WEBHOOK_USERNAME, env.PHONEPE_WEBHOOK_PASSWORD);
  const authorization = sim.config.webhookForged ? `${good.slice(0, -1)}${good.endsWith("0") ? "1" : "0"}` : good;
  for (let attempt = 0; attempt <= sim.config.webhookRetries; attempt++) {
    const entry = { at: Date.now(), event: event.event, body, authorization, status: null as number | null };
    sim.webhooks.push(entry);
    try {
      const res = await fetch(`${env.PUBLIC_BASE_URL}/api/webhooks/phonepe`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      entry.status = res.status;
      await res.text();
      if (res.ok || res.status === 401) return; // PhonePe would retry a 401 too, but a forged test needs one shot
    } catch {
      entry.status = null;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Sends events as PhonePe would, applying delay / drop / duplicate / reorder. Resolves when delivery
 * finished (immediately if delayed, so a delayed webhook lands after the browser's redirect).
 */
export async function dispatch(events: Event[]): Promise<void> {
  const c = sim.config;
  if (c.webhookDrop) return;
  const ordered = c.webhookReorder ? [...events].reverse() : events;
  const run = async () => {
    for (const e of ordered) {
      for (let copy = 0; copy <= c.webhookDuplicates; copy++) await deliver(e);
    }
  };
  if (c.webhookDelayMs > 0) {
    setTimeout(() => void run(), c.webhookDelayMs);
    return;
  }
  await run();
}
