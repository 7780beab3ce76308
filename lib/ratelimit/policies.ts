/**
 * Every rate limit by name. `failClosed` policies (auth, OTP, money) answer 503 when Redis cannot be
 * reached rather than silently skipping the limit; the rest fail open.
 */
export type Duration = `${number} ${"s" | "m" | "h" | "d"}`;

export type RateLimitPolicy = {
  /** Requests allowed per window. */
  limit: number;
  window: Duration;
  /** Redis key prefix; the identifier (what the key is, per policy comment) is appended. */
  prefix: string;
  failClosed: boolean;
};

export const POLICIES = {
  /** Keyed on client IP: a coarse ceiling for any API call. */
  apiPerIp: { limit: 600, window: "1 m", prefix: "rl:api:ip", failClosed: false },
  /** Keyed on user id: money-moving requests per user. */
  moneyPerUser: { limit: 60, window: "1 m", prefix: "rl:money:user", failClosed: true },
  /** Keyed on user id: wallet reads (balance, history, statements); fails open. */
  walletReadPerUser: { limit: 600, window: "1 m", prefix: "rl:wallet-read:user", failClosed: false },
  /**
   * Keyed on user id: KYC submissions. A 409 on a taken PAN/Aadhaar is an "is this number registered?"
   * oracle, so the limit is tight and fails closed.
   */
  kycSubmitPerUser: { limit: 10, window: "1 h", prefix: "rl:kyc:user", failClosed: true },
} as const satisfies Record<string, RateLimitPolicy>;

export type PolicyName = keyof typeof POLICIES;
