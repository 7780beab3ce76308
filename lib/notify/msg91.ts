/**
 * MSG91 adapter. SMS through the Flow API (`POST /api/v5/flow`, DLT-approved template with an `otp`
 * variable, number as `91XXXXXXXXXX`), e-mail through `POST /api/v5/email/send` (approved template on a
 * verified domain). Both authenticate with the `authkey` header and answer JSON `{type, message}`;
 * anything but a 2xx with `type: "success"` (SMS) is a delivery failure.
 */
import type { Message, Notifier } from "./types.js";

export type Msg91Config = {
  baseUrl: string;
  authKey: string;
  otpTemplateId: string;
  emailTemplateId?: string;
  emailDomain?: string;
  emailFrom?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
};

/** Raised when MSG91 refuses or cannot be reached; carries no message content (it holds the OTP). */
export class Msg91Error extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = "Msg91Error";
  }
}

function smsBody(config: Msg91Config, message: Message) {
  return {
    template_id: config.otpTemplateId,
    short_url: "0",
    recipients: [{ mobiles: `91${message.to}`, ...message.variables }],
  };
}

function emailBody(config: Msg91Config, message: Message) {
  if (!config.emailTemplateId || !config.emailDomain || !config.emailFrom) {
    throw new Msg91Error("MSG91 e-mail is not configured (MSG91_EMAIL_TEMPLATE_ID, _DOMAIN, _FROM)", null);
  }
  return {
    recipients: [{ to: [{ email: message.to }], variables: { ...message.variables, purpose: message.purpose } }],
    from: { email: config.emailFrom },
    domain: config.emailDomain,
    template_id: config.emailTemplateId,
  };
}

/** Builds a Notifier that delivers through MSG91's HTTP API at `config.baseUrl`. */
export function createMsg91Notifier(config: Msg91Config): Notifier {
  const doFetch = config.fetch ?? fetch;
  return {
    name: "msg91",
    async send(message) {
      const sms = message.channel === "sms";
      const path = sms ? "/api/v5/flow" : "/api/v5/email/send";
      const body = sms ? smsBody(config, message) : emailBody(config, message);
      let response: Response;
      try {
        response = await doFetch(new URL(path, config.baseUrl), {
          method: "POST",
          headers: { authkey: config.authKey, "content-type": "application/json", accept: "application/json" },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(config.timeoutMs ?? 5000),
        });
      } catch (error) {
        throw new Msg91Error(`MSG91 unreachable: ${(error as Error).name}`, null);
      }
      const text = await response.text();
      let parsed: { type?: string; message?: unknown } = {};
      try {
        parsed = JSON.parse(text) as typeof parsed;
      } catch {
        // A non-JSON answer (proxy error page) is a failure below.
      }
      const accepted = response.ok && (parsed.type === "success" || (!sms && parsed.type !== "error"));
      if (!accepted) {
        throw new Msg91Error(`MSG91 refused the ${message.channel} (HTTP ${response.status})`, response.status);
      }
    },
  };
}
