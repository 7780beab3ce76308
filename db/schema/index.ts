export * from "./audit-logs.js";
export * from "./beneficiaries.js";
export * from "./commissions.js";
export * from "./idempotency-keys.js";
export * from "./kyc-records.js";
export * from "./payments.js";
export * from "./transactions.js";
export * from "./users.js";
