/** In-memory state and fault knobs of the PhonePe simulator (one per process; dev/test only). */

export type FaultMode = 400 | 429 | 500 | 503 | "timeout";
export type FaultTarget = "token" | "pay" | "status" | "refund" | "refundStatus";
/**
 * `timeout` on a POST processes the request and then withholds the answer: the ambiguous case. `400`
 * refuses it outright (PhonePe's BAD_REQUEST): the definitive case.
 */
export type Fault = { mode: FaultMode; count: number };

export type SimConfig = {
  webhookDelayMs: number;
  /** Extra copies of every webhook (0 = delivered once). */
  webhookDuplicates: number;
  webhookDrop: boolean;
  /** Deliver an order's events newest-first (the terminal event before a stale attempt-failed one). */
  webhookReorder: boolean;
  /** Send a wrong `Authorization` header. */
  webhookForged: boolean;
  /** Re-deliveries after a non-2xx answer. */
  webhookRetries: number;
  tokenTtlSeconds: number;
  /** How long a `timeout` fault withholds the answer. */
  timeoutMs: number;
  refundOutcome: "completed" | "failed" | "pending";
  /**
   * What a repeated merchantRefundId is told: `duplicate` (this simulator's invented code) or `amount`,
   * the amount check first, as PhonePe documents for a second refund while one is pending
   * (EXCESS_REFUND_AMOUNT, docs/phonepe.md "Refund retries") — the real duplicate code is not documented.
   */
  repeatedRefund: "duplicate" | "amount";
  faults: Partial<Record<FaultTarget, Fault>>;
};

export const defaultConfig = (): SimConfig => ({
  webhookDelayMs: 0,
  webhookDuplicates: 0,
  webhookDrop: false,
  webhookReorder: false,
  webhookForged: false,
  webhookRetries: 2,
  tokenTtlSeconds: 3600,
  timeoutMs: 10_000,
  refundOutcome: "completed",
  repeatedRefund: "duplicate",
  faults: {},
});

export type SimAttempt = {
  transactionId: string;
  paymentMode: string;
  timestamp: number;
  amount: number;
  state: "COMPLETED" | "FAILED" | "PENDING";
  errorCode?: string;
};

export type SimOrder = {
  orderId: string;
  merchantOrderId: string;
  amount: number;
  state: "PENDING" | "COMPLETED" | "FAILED";
  expireAt: number;
  redirectUrl: string;
  metaInfo?: Record<string, string>;
  attempts: SimAttempt[];
  errorCode?: string;
  refundedPaise: number;
};

export type SimRefund = {
  refundId: string;
  merchantRefundId: string;
  originalMerchantOrderId: string;
  amount: number;
  state: "PENDING" | "CONFIRMED" | "COMPLETED" | "FAILED";
  timestamp: number;
};

export type WebhookLogEntry = {
  at: number;
  event: string;
  body: string;
  authorization: string;
  status: number | null;
};

export const MERCHANT_ID = "NEXASPAYSIM";

export const sim = {
  config: defaultConfig(),
  tokens: new Map<string, number>(), // access token → expires_at (s)
  orders: new Map<string, SimOrder>(),
  refunds: new Map<string, SimRefund>(),
  webhooks: [] as WebhookLogEntry[],
  calls: [] as { target: FaultTarget; at: number }[],
};

let seq = 0;
export const simId = (prefix: string) =>
  `${prefix}${Date.now().toString().slice(-10)}${String(++seq).padStart(6, "0")}${Math.floor(Math.random() * 1000)}`;

/** Takes one pending fault for `target`, if any. */
export function takeFault(target: FaultTarget): FaultMode | null {
  sim.calls.push({ target, at: Date.now() });
  const fault = sim.config.faults[target];
  if (!fault || fault.count <= 0) return null;
  fault.count--;
  return fault.mode;
}

/** PhonePe's expiry (an assumption, phonepe.md §4): a PENDING order past expireAt reads FAILED. */
export function settleExpiry(order: SimOrder): void {
  if (order.state === "PENDING" && Date.now() > order.expireAt) {
    order.state = "FAILED";
    order.errorCode = "TXN_AUTO_FAILED";
  }
}
