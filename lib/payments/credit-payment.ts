/**
 * The exactly-once credit of a paid order (reliability-recipes §1.5, phonepe.md §7.1): ONE ledger
 * posting whose first statement is the conditional payment update. Two guards make repeats no-ops:
 * the `UPDATE … WHERE status IN (pending, failed, expired) AND not credited` (0 rows → abort) and the
 * posting's unique reference `phonepe:<merchantOrderId>`. Called only after the order-status API said
 * COMPLETED for the payment's own amount.
 */
import { type Payment, payments } from "../../db/schema/payments.js";
import { recordAudit } from "../audit/index.js";
import { affectedRows, isDuplicateKey } from "../db/index.js";
import { isAppError } from "../http/errors.js";
import { post } from "../ledger/index.js";
import { logger } from "../log.js";
import type { OrderStatus } from "../phonepe/index.js";
import { startAutoRefund } from "./auto-refund.js";
import { methodOf } from "./method.js";
import { creditableWhere } from "./queries.js";

/** Thrown inside the posting to roll it back when another path settled the payment first. */
class AlreadySettled extends Error {}

export type CreditOutcome = "credited" | "already_settled" | "auto_refund";

export async function creditPayment(payment: Payment, status: OrderStatus, now = new Date()): Promise<CreditOutcome> {
  const merchantOrderId = payment.phonepeMerchantTransactionId as string;
  const method = methodOf(status);
  try {
    await post({
      reference: `phonepe:${merchantOrderId}`,
      kind: "topup",
      walletLegs: [
        {
          userId: payment.userId,
          direction: "credit",
          amountPaise: payment.amount,
          transactionType: "deposit",
          ledgerType: "TopIn",
          paymentMethod: "phonepe",
          description: "Wallet top-up via PhonePe",
          remarks: merchantOrderId,
        },
      ],
      systemLegs: [{ account: "phonepe_clearing", direction: "debit", amountPaise: payment.amount }],
      // The payment's link to its credit line commits with the credit: a payment marked success with
      // no link could never be refunded, and nothing would come back to repair it.
      trailingStatements: (postingId) => [
        {
          sql: "UPDATE payments SET transaction_id = (SELECT MIN(id) FROM transactions WHERE posting_id = ? AND user_id = ?) WHERE id = ?",
          params: [postingId, payment.userId, payment.id],
        },
      ],
      beforeLocks: async (tx) => {
        const res = await tx
          .update(payments)
          .set({
            status: "success",
            completedAt: now,
            paymentMethod: method,
            providerState: status.state.slice(0, 32),
            phonepeTransactionId: payment.phonepeTransactionId ?? status.orderId ?? null,
            nextCheckAt: null,
            lastCheckedAt: now,
          })
          .where(creditableWhere(payment.id));
        if (affectedRows(res) !== 1) throw new AlreadySettled();
        await recordAudit(tx, {
          actorUserId: null,
          action: payment.status === "pending" ? "payment.succeeded" : "payment.late_succeeded",
          entityType: "payment",
          entityId: payment.id,
          before: { status: payment.status },
          after: { status: "success", amountPaise: payment.amount, paymentMethod: method, providerState: status.state },
        });
      },
    });
    return "credited";
  } catch (error) {
    // A reused posting reference is rejected by the ledger as CONFLICT: another path credited first.
    if (error instanceof AlreadySettled || isDuplicateKey(error) || (isAppError(error) && error.code === "CONFLICT"))
      return "already_settled";
    if (isAppError(error) && (error.code === "LIMIT_EXCEEDED" || error.code === "KYC_REQUIRED")) {
      // The customer paid but the credit would break a KYC-tier cap (domain-india §3.5): refund, never over-credit.
      logger.warn({ paymentId: payment.id, reason: error.code }, "payments: paid order exceeds a cap; refunding");
      return (await startAutoRefund(payment, status, error.code)) ? "auto_refund" : "already_settled";
    }
    throw error;
  }
}
