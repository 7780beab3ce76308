/** What lib/notify delivers: one short SMS or e-mail, e.g. an OTP. */
export type Channel = "sms" | "email";

export type Message = {
  channel: Channel;
  /** 10-digit Indian mobile (sms) or e-mail address. */
  to: string;
  /** Why it is sent (the OTP purpose); providers pick templates by it. */
  purpose: string;
  /** Human-readable text (what the dev outbox shows). */
  body: string;
  /** Template variables for providers that render server-side templates (MSG91). */
  variables: Record<string, string>;
};

/** A delivery provider. `send` resolves once the provider accepted the message, and throws otherwise. */
export type Notifier = { name: string; send(message: Message): Promise<void> };
