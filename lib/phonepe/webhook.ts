/**
 * PhonePe v2 webhook authentication (phonepe.md §1.7): the `Authorization` header is the bare lowercase
 * hex SHA-256 of `username:password`. It is a static secret that does not bind the body, so a verified
 * webhook is still only a hint: callers re-fetch the order status before acting.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { PhonePeInvalidResponseError, PhonePeSignatureError } from "./errors.js";
import { type WebhookEnvelope, webhookSchema } from "./schemas.js";

/** The header value PhonePe sends for these credentials. */
export function webhookAuthorization(username: string, password: string): string {
  return createHash("sha256").update(`${username}:${password}`, "utf8").digest("hex");
}

/**
 * Constant-time check of the header. Both sides are hashed to 32 bytes first, so buffers always have
 * equal length (timingSafeEqual throws otherwise) and the header's length leaks nothing either.
 */
export function verifyWebhookAuthorization(header: string | null, username: string, password: string): boolean {
  const expected = createHash("sha256").update(webhookAuthorization(username, password)).digest();
  const given = createHash("sha256")
    .update((header ?? "").trim().toLowerCase())
    .digest();
  return timingSafeEqual(expected, given) && header !== null;
}

/** Verifies then parses a webhook: PhonePeSignatureError on a bad header, PhonePeInvalidResponseError on a bad body. */
export function parseWebhook(
  header: string | null,
  rawBody: string,
  credentials: { username: string; password: string },
): WebhookEnvelope {
  if (!verifyWebhookAuthorization(header, credentials.username, credentials.password)) {
    throw new PhonePeSignatureError("webhook Authorization header does not match");
  }
  let value: unknown;
  try {
    value = JSON.parse(rawBody);
  } catch (error) {
    throw new PhonePeInvalidResponseError("webhook body is not JSON", { cause: error });
  }
  const parsed = webhookSchema.safeParse(value);
  if (!parsed.success) throw new PhonePeInvalidResponseError("webhook body has no payload");
  return parsed.data;
}
