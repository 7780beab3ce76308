/**
 * Admin manual adjustment (API.md §2): a credit (e.g. a distributor's bank deposit) or a debit of one
 * wallet against the `adjustments` system account, idempotent per admin key and audited in the same
 * transaction as the posting, so an adjustment without its audit row cannot exist.
 */
import { z } from "zod";
import { type AuditRequestInfo, recordAudit } from "../audit/index.js";
import { db } from "../db/index.js";
import { AppError } from "../http/errors.js";
import { withIdempotency } from "../idempotency/index.js";
import { newId } from "../ids.js";
import { post, type WalletLegInput } from "../ledger/index.js";
import { amountPaiseSchema } from "../money/index.js";
import { getTransactionByPosting } from "./get-transaction.js";
import { postedLineView } from "./transaction-view.js";

export const adjustmentBodySchema = z.strictObject({
  direction: z.enum(["credit", "debit"]),
  amountPaise: amountPaiseSchema,
  reason: z.string().trim().min(3, "must say why (at least 3 characters)").max(500),
});

export const adjustmentParamsSchema = z.strictObject({
  userId: z.coerce.number().int().min(1).max(2_147_483_647),
});

export type AdjustmentInput = {
  adminId: number;
  userId: number;
  body: z.output<typeof adjustmentBodySchema>;
  idempotencyKey: string;
  path: string;
  request: AuditRequestInfo;
  /** The route's money rate limit, sent in the same Redis round trip as the idempotency lookup. */
  rateLimit?: () => Promise<void>;
};

/** Posts the adjustment once per idempotency key; answers 201 `{transaction}` (the wallet's line). */
export function adjustWallet(input: AdjustmentInput): Promise<Response> {
  const { body, userId } = input;
  // Four eyes, as for KYC decisions: an adjustment skips KYC caps and limits, so whoever books it must
  // not be the one it pays. Refused before the key is claimed: the refusal is not the key's answer.
  if (input.adminId === userId) {
    return Promise.reject(new AppError("FORBIDDEN", "You cannot adjust your own wallet; ask another admin."));
  }
  const reload = async (reference: string) => ({ transaction: await getTransactionByPosting(db, userId, reference) });
  return withIdempotency(
    { userId: input.adminId, key: input.idempotencyKey, request: { method: "POST", path: input.path, body } },
    async (claim) => {
      const reference = newId("adj");
      const credit = body.direction === "credit";
      const leg: WalletLegInput = {
        userId,
        direction: body.direction,
        amountPaise: body.amountPaise,
        transactionType: credit ? "deposit" : "withdrawal",
        ledgerType: "TopIn",
        description: credit ? "Manual credit by NexasPay" : "Manual debit by NexasPay",
        remarks: body.reason,
        paymentMethod: "wallet",
      };
      const { lines } = await post({
        reference,
        kind: "adjustment",
        walletLegs: [leg],
        systemLegs: [{ account: "adjustments", direction: credit ? "debit" : "credit", amountPaise: body.amountPaise }],
        // An operator's correction is not a customer load: KYC caps and limits do not apply (funds still do).
        enforceLimits: false,
        beforeLocks: async (tx) => {
          await claim.record(tx, { status: 201, resourceRef: reference });
          await recordAudit(tx, {
            actorUserId: input.adminId,
            action: "wallet.adjusted",
            entityType: "wallet",
            entityId: userId,
            after: { reference, direction: body.direction, amountPaise: body.amountPaise, reason: body.reason },
            ...input.request,
          });
        },
        context: { ip: input.request.ip, deviceInfo: input.request.userAgent },
      });
      const [line] = lines;
      if (!line) throw new Error("adjustment posting has no wallet line");
      // Built from the posting's own read-back; `reload` (a query) serves replays only.
      return { status: 201, body: { transaction: postedLineView(leg, line, null) } };
    },
    { reload, alongside: input.rateLimit },
  );
}
