export { affectedRows } from "./affected-rows.js";
export { type Database, db, POOL_OPTIONS, pool, setUpSessions, UTC_SESSION } from "./client.js";
export { dbErrno, isDuplicateKey, isRetryableDbError, MYSQL, mapDbError } from "./errors.js";
export { preparedPerHandle } from "./prepared.js";
export { onConnection, type TransactionOptions, type TxContext, withTransaction } from "./transaction.js";
