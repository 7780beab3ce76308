/** Outgoing SMS/e-mail: the provider chosen by NOTIFY_PROVIDER (dev outbox locally, MSG91 in production). */
import { env } from "../env.js";
import { devOutboxNotifier } from "./dev-outbox.js";
import { createMsg91Notifier } from "./msg91.js";
import type { Notifier } from "./types.js";

function configuredNotifier(): Notifier {
  if (env.NOTIFY_PROVIDER === "dev") return devOutboxNotifier;
  if (!env.MSG91_AUTH_KEY || !env.MSG91_OTP_TEMPLATE_ID) {
    throw new Error("BAD_ENVIRONMENT: NOTIFY_PROVIDER=msg91 needs MSG91_AUTH_KEY and MSG91_OTP_TEMPLATE_ID");
  }
  return createMsg91Notifier({
    baseUrl: env.MSG91_BASE_URL,
    authKey: env.MSG91_AUTH_KEY,
    otpTemplateId: env.MSG91_OTP_TEMPLATE_ID,
    emailTemplateId: env.MSG91_EMAIL_TEMPLATE_ID,
    emailDomain: env.MSG91_EMAIL_DOMAIN,
    emailFrom: env.MSG91_EMAIL_FROM,
  });
}

/** The configured provider, built once per instance. */
export const notifier: Notifier = configuredNotifier();

export { latestOtp, type OutboxEntry, readOutbox } from "./dev-outbox.js";
export { createMsg91Notifier, type Msg91Config, Msg91Error } from "./msg91.js";
export type { Channel, Message, Notifier } from "./types.js";
