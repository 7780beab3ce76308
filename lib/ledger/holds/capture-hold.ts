/**
 * `captureHold()`: turns an active, unexpired hold into a real debit — in full or in part, the rest
 * released — in ONE transaction: lock the hold row, then post (which locks the wallet rows) with the
 * hold's release and its state change in the same write batch. A hold is captured at most once.
 */
import { AppError } from "../../http/errors.js";
import { decimalFromPaise, type Paise } from "../../money/index.js";
import { onLedgerConnection } from "../connection.js";
import { OPEN_TX } from "../lock-wallets.js";
import { postOnConnection } from "../post.js";
import { withLedgerRetry } from "../retry.js";
import type { Hold, PostingInput, PostingResult } from "../types.js";
import { lockHold, readHold } from "./hold-row.js";

export type CaptureHoldInput = {
  holdId: number;
  /** Amount actually debited (≤ the held amount; the rest is released). */
  amountPaise: Paise;
  /** The debit posting; the held wallet's net debit across its legs must equal `amountPaise`. */
  posting: Omit<PostingInput, "kind">;
  /**
   * Capture a hold that has expired but is still active (not yet swept): for a debit that happened
   * elsewhere regardless of the expiry (PhonePe paid a refund out). Releasing it first and debiting
   * afterwards would leave the money spendable in between.
   */
  evenIfExpired?: boolean;
};

export async function captureHold(i: CaptureHoldInput): Promise<{ hold: Hold; posting: PostingResult }> {
  if (!Number.isSafeInteger(i.amountPaise) || i.amountPaise <= 0)
    throw new AppError(
      "BAD_REQUEST",
      "Capture amount must be a positive integer number of paise (void to release all).",
    );
  return withLedgerRetry(() =>
    onLedgerConnection(async (conn) => {
      const { hold, expired } = await lockHold(conn, i.holdId, OPEN_TX);
      if (hold.status !== "active") throw new AppError("CONFLICT", `The hold is already ${hold.status}.`);
      if (expired && !i.evenIfExpired) throw new AppError("CONFLICT", "The hold has expired and cannot be captured.");
      if (i.amountPaise > hold.amountPaise)
        throw new AppError("BAD_REQUEST", "Capture amount exceeds the held amount.");
      const net = i.posting.walletLegs
        .filter((l) => l.userId === hold.userId)
        .reduce((sum, l) => sum + (l.direction === "debit" ? l.amountPaise : -l.amountPaise), 0);
      if (net !== i.amountPaise)
        throw new AppError(
          "BAD_REQUEST",
          "The capture posting must debit the held wallet by exactly the captured amount.",
        );
      const posting = await postOnConnection(
        conn,
        // Limits were checked when the funds were reserved; the capture still records usage (when the
        // hold counted against them).
        {
          ...i.posting,
          kind: "hold_capture",
          enforceLimits: i.posting.enforceLimits ?? false,
          // The hold's state change commits with the capture's posting.
          trailingStatements: (postingId) => [
            ...(i.posting.trailingStatements?.(postingId) ?? []),
            {
              sql: "UPDATE wallet_holds SET status = 'captured', captured_amount = ?, posting_id = ?, resolved_at = NOW(3) WHERE id = ? AND status = 'active'",
              params: [decimalFromPaise(i.amountPaise), postingId, hold.id],
            },
          ],
        },
        {
          inTransaction: true,
          allEarly: true,
          release: { userId: hold.userId, amountPaise: hold.amountPaise, countsAsSpending: hold.limitsEnforced },
        },
      );
      await conn.query("COMMIT");
      return { hold: await readHold(conn, hold.id), posting };
    }),
  );
}
