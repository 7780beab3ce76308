export * from "./beneficiaries.js";
export * from "./commissions.js";
export * from "./payments.js";
export * from "./transactions.js";
export * from "./users.js";
