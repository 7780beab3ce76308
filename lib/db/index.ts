export { type Database, db, pool } from "./client.js";
export { dbErrno, isDuplicateKey, isRetryableDbError, MYSQL, mapDbError } from "./errors.js";
export { type TransactionOptions, type TxContext, withTransaction } from "./transaction.js";
