/**
 * `assertCanLoad()`: the pre-check before a top-up is initiated at PhonePe, so a user is not sent to
 * pay for a load the ledger would then refuse. Advisory only: the posting re-checks under the lock.
 */
import type { Paise } from "../money/index.js";
import { checkLimits } from "./check-limits.js";
import { readLimitState } from "./read-limit-state.js";

export async function assertCanLoad(userId: number, amountPaise: Paise): Promise<void> {
  const state = await readLimitState(userId);
  checkLimits(state, state.usage, {
    debitPaise: 0,
    loadPaise: amountPaise,
    p2pOutPaise: 0,
    balanceAfterCreditPaise: state.balancePaise + amountPaise,
  });
}
