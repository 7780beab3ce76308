// POST /api/webhooks/phonepe — PhonePe v2 webhook: verify the Authorization header, then re-check the order with PhonePe
import { json, methods, readTextCapped } from "../../lib/http/index.js";
import { handleWebhook } from "../../lib/payments/index.js";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = methods({
  // No per-IP rate limit: PhonePe delivers from a few proxy IPs and must never be throttled into losing events.
  POST: async (ctx) => {
    const raw = await readTextCapped(ctx.request); // public: an oversized body is refused while it streams
    return json(await handleWebhook(ctx.request.headers.get("authorization"), raw));
  },
});
