/**
 * `POST /api/auth/otp/send`: sends a code when the destination belongs to an account that may use it
 * for this purpose, and answers the same way when it does not, so the endpoint cannot be used to find
 * out which numbers and e-mails are registered.
 */
import type { OtpPurpose } from "../../db/schema/otp-codes.js";
import { afterResponse } from "../after-response.js";
import { recordAudit } from "../audit/index.js";
import type { ClientInfo } from "../auth/client-info.js";
import { db } from "../db/index.js";
import { logger } from "../log.js";
import { type Destination, destinationVerified, findUserByDestination } from "./destination.js";
import { issueOtp } from "./issue-otp.js";

type Account = NonNullable<Awaited<ReturnType<typeof findUserByDestination>>>;

function eligible(user: Account, { destination, purpose }: { destination: Destination; purpose: OtpPurpose }) {
  if (!user.isActive) return false;
  if (purpose === "verify_phone") return !user.phoneVerified;
  if (purpose === "verify_email") return !user.emailVerified;
  return destinationVerified(user, destination.channel); // login, reset_password
}

/**
 * Sends an OTP if the destination is eligible. Never reveals eligibility: unknown destinations and
 * delivery failures both end normally (the failure is logged and audited, not returned), and the
 * code is issued and delivered after the response, so the answer takes the same time (one lookup)
 * whether or not a provider call follows — a registered number is not told apart by timing either.
 */
export async function requestOtp(
  input: { destination: Destination; purpose: OtpPurpose },
  client: ClientInfo,
): Promise<void> {
  const user = await findUserByDestination(db, input.destination);
  if (!user || !eligible(user, input)) return;
  afterResponse(deliver(input, user.id, client));
}

async function deliver(
  input: { destination: Destination; purpose: OtpPurpose },
  userId: number,
  client: ClientInfo,
): Promise<void> {
  let delivered = true;
  try {
    await issueOtp(db, { ...input, userId });
  } catch (error) {
    delivered = false;
    logger.error({ err: error, userId, purpose: input.purpose }, "otp delivery failed");
  }
  await recordAudit(db, {
    actorUserId: null,
    action: delivered ? "otp.sent" : "otp.delivery_failed",
    entityType: "user",
    entityId: userId,
    after: { purpose: input.purpose, channel: input.destination.channel },
    ip: client.ip,
    userAgent: client.userAgent,
    requestId: client.requestId,
  });
}
