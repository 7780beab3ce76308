/**
 * The development provider: messages are kept in this process's memory (newest first, bounded) and
 * read back through `GET /__dev/outbox` on the dev server or directly by tests. lib/env refuses
 * NOTIFY_PROVIDER=dev in production.
 */
import type { Message, Notifier } from "./types.js";

export type OutboxEntry = { channel: Message["channel"]; to: string; purpose: string; body: string; createdAt: string };

const MAX_ENTRIES = 1000;
const outbox: (OutboxEntry & { variables: Record<string, string> })[] = [];

export const devOutboxNotifier: Notifier = {
  name: "dev",
  async send(message) {
    outbox.unshift({ ...message, createdAt: new Date().toISOString() });
    outbox.length = Math.min(outbox.length, MAX_ENTRIES);
  },
};

/** Captured messages, newest first, optionally only those to one destination. */
export function readOutbox(options: { to?: string; limit?: number } = {}): OutboxEntry[] {
  return outbox
    .filter((m) => options.to === undefined || m.to === options.to)
    .slice(0, options.limit ?? 50)
    .map(({ channel, to, purpose, body, createdAt }) => ({ channel, to, purpose, body, createdAt }));
}

/** The OTP in the newest captured message to `to` (tests and the dev frontend use it). */
export function latestOtp(to: string, purpose?: string): string | null {
  const hit = outbox.find((m) => m.to === to && (purpose === undefined || m.purpose === purpose));
  return hit?.variables.otp ?? null;
}
