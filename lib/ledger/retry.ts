/** Deadlock / lock-wait retry around a whole ledger transaction (the transaction is re-run from scratch). */
import { isRetryableDbError } from "../db/index.js";

export async function withLedgerRetry<T>(fn: () => Promise<T>, retries = 4): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= retries || !isRetryableDbError(error)) throw error;
      await new Promise((r) => setTimeout(r, 2 + Math.random() * 10 * (attempt + 1)));
    }
  }
}
