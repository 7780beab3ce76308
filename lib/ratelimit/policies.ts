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
  /** Keyed on user id: wallet reads (balance, history, transaction detail, limits); fails open. */
  walletReadPerUser: { limit: 600, window: "1 m", prefix: "rl:wallet-read:user", failClosed: false },
  /**
   * Keyed on user id: statements. One can stream up to 200,000 lines (200 page queries), so it gets a
   * budget of its own instead of counting as one cheap read; fails open.
   */
  walletStatementPerUser: { limit: 20, window: "1 m", prefix: "rl:wallet-statement:user", failClosed: false },
  /**
   * Keyed on user id: KYC submissions. A 409 on a taken PAN/Aadhaar is an "is this number registered?"
   * oracle, so the limit is tight and fails closed.
   */
  kycSubmitPerUser: { limit: 10, window: "1 h", prefix: "rl:kyc:user", failClosed: true },
  // Identity (auth and OTP fail closed: a skipped limit would be an open brute-force door).
  /** Keyed on client IP: registrations. */
  registerPerIp: { limit: 10, window: "1 h", prefix: "rl:register:ip", failClosed: true },
  /** Keyed on client IP: password logins, any account. */
  loginPerIp: { limit: 30, window: "15 m", prefix: "rl:login:ip", failClosed: true },
  /** Keyed on the normalised identifier: above the lockout threshold (10) so ACCOUNT_LOCKED is seen. */
  loginPerIdentifier: { limit: 20, window: "15 m", prefix: "rl:login:id", failClosed: true },
  /** Keyed on client IP: refresh-token exchanges. */
  refreshPerIp: { limit: 120, window: "1 m", prefix: "rl:refresh:ip", failClosed: true },
  /** Keyed on destination (phone/e-mail): codes sent per hour (5 tries each → ≤ 25 guesses/h). */
  otpSendPerDestination: { limit: 5, window: "1 h", prefix: "rl:otp-send:dest", failClosed: true },
  /** Keyed on destination: codes sent per day (reliability-recipes §2.4 arithmetic: 10 codes × 5 tries). */
  otpSendPerDestinationDaily: { limit: 10, window: "1 d", prefix: "rl:otp-send:dest-d", failClosed: true },
  /** Keyed on client IP: codes sent to any destination. */
  otpSendPerIp: { limit: 20, window: "1 h", prefix: "rl:otp-send:ip", failClosed: true },
  /** Keyed on destination: verification attempts (the per-code limit of 5 is in the database). */
  otpVerifyPerDestination: { limit: 15, window: "15 m", prefix: "rl:otp-verify:dest", failClosed: true },
  /** Keyed on client IP: verification attempts across destinations (distributed guessing). */
  otpVerifyPerIp: { limit: 40, window: "15 m", prefix: "rl:otp-verify:ip", failClosed: true },
  /** Keyed on client IP: password resets with a grant. */
  passwordResetPerIp: { limit: 10, window: "1 h", prefix: "rl:pw-reset:ip", failClosed: true },
  /** Keyed on user id: profile, KYC status, sessions and downline reads; fails open. */
  accountReadPerUser: { limit: 300, window: "1 m", prefix: "rl:account-read:user", failClosed: false },
  /** Keyed on user id: profile changes (each is a locking transaction and an audit row); fails open. */
  profileWritePerUser: { limit: 30, window: "15 m", prefix: "rl:profile:user", failClosed: false },
  /** Keyed on admin user id: admin reads and decisions; fails open. */
  adminPerUser: { limit: 600, window: "1 m", prefix: "rl:admin:user", failClosed: false },
  /** Keyed on admin user id: ledger verifications (a full run reads every ledger row for seconds). */
  ledgerVerifyPerUser: { limit: 10, window: "1 h", prefix: "rl:verify:user", failClosed: false },
  /** Keyed on user id: account security changes (2FA, password change, session revocation). */
  accountSecurityPerUser: { limit: 20, window: "15 m", prefix: "rl:acct-sec:user", failClosed: true },
} as const satisfies Record<string, RateLimitPolicy>;

export type PolicyName = keyof typeof POLICIES;
