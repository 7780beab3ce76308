/**
 * POST /api/wallet/transfers behind idempotency: the ledger's `transfer()` posts once per
 * (sender, Idempotency-Key); the key's durable record is the posting's first statement, so a
 * duplicate aborts before any wallet lock, and a replay rebuilds the same sender line by reference.
 */
import { z } from "zod";
import type { AuditRequestInfo } from "../audit/index.js";
import { db } from "../db/index.js";
import { withIdempotency } from "../idempotency/index.js";
import type { PostingContext } from "../ledger/index.js";
import { amountPaiseSchema } from "../money/index.js";
import { getTransactionByPosting } from "./get-transaction.js";
import { newTransferReference, transfer } from "./transfer.js";

export const transferBodySchema = z.strictObject({
  /** Mobile number, user code or username. */
  recipient: z.string().trim().min(1).max(100),
  amountPaise: amountPaiseSchema,
  note: z.string().trim().max(255).optional(),
});

export type SendTransferInput = {
  senderId: number;
  /** From the session (AuthUser): an unverified sender is refused before the recipient lookup. */
  senderKycStatus: string | null;
  body: z.output<typeof transferBodySchema>;
  idempotencyKey: string;
  path: string;
  context?: PostingContext;
  /** Where the request came from, for the transfer's audit row. */
  request?: AuditRequestInfo;
  /** The route's money rate limit, sent in the same Redis round trip as the idempotency lookup. */
  rateLimit?: () => Promise<void>;
};

/** Answers 201 `{transaction}` (the sender's debit line), or the key's first answer on a retry. */
export function sendTransfer(input: SendTransferInput): Promise<Response> {
  const { senderId, body } = input;
  const reload = async (reference: string) => ({ transaction: await getTransactionByPosting(db, senderId, reference) });
  return withIdempotency(
    { userId: senderId, key: input.idempotencyKey, request: { method: "POST", path: input.path, body } },
    async (claim) => {
      const reference = newTransferReference();
      const { transaction } = await transfer({
        senderId,
        senderKycStatus: input.senderKycStatus,
        recipient: body.recipient,
        amountPaise: body.amountPaise,
        note: body.note,
        reference,
        leadingStatements: [claim.statement({ status: 201, resourceRef: reference })],
        context: input.context,
        request: input.request,
      });
      // The answer is built from the posting's own read-back; `reload` (a query) serves replays only.
      return { status: 201, body: { transaction } };
    },
    { reload, alongside: input.rateLimit },
  );
}
