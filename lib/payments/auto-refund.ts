/**
 * Automatic refund of an order PhonePe says is paid but that we may not credit (a KYC-tier cap would
 * break at credit time). The wallet was never credited, so no hold is needed: the payment is flagged
 * (which blocks any later credit) and a full refund row is created in one transaction, then sent.
 */

import { paymentRefunds } from "../../db/schema/payment-refunds.js";
import { type Payment, payments } from "../../db/schema/payments.js";
import { recordAudit } from "../audit/index.js";
import { affectedRows, withTransaction } from "../db/index.js";
import type { OrderStatus } from "../phonepe/index.js";
import { creditableWhere } from "./queries.js";
import { sendRefund } from "./send-refund.js";

/** Returns false when another path settled the payment first. */
export async function startAutoRefund(
  payment: Payment,
  status: OrderStatus,
  reason: string,
  now = new Date(),
): Promise<boolean> {
  const merchantRefundId = `NXR-${payment.id}-A`;
  const refundId = await withTransaction(async ({ tx }) => {
    const res = await tx
      .update(payments)
      .set({
        status: "failed",
        flagReason: "cap_exceeded_refunded",
        providerState: status.state.slice(0, 32),
        refundReason: `automatic: ${reason}`,
        nextCheckAt: null,
        lastCheckedAt: now,
      })
      .where(creditableWhere(payment.id));
    if (affectedRows(res) !== 1) return null;
    const [row] = (await tx
      .insert(paymentRefunds)
      .values({
        paymentId: payment.id,
        userId: payment.userId,
        merchantRefundId,
        amount: payment.amount,
        kind: "auto_cap",
        reason: `automatic: ${reason}`,
        nextCheckAt: new Date(now.getTime() + 20_000),
      })
      .$returningId()) as [{ id: number }];
    await recordAudit(tx, {
      actorUserId: null,
      action: "payment.auto_refund_started",
      entityType: "payment",
      entityId: payment.id,
      before: { status: payment.status },
      after: { status: "failed", flagReason: "cap_exceeded_refunded", merchantRefundId, amountPaise: payment.amount },
    });
    return row.id;
  });
  if (refundId === null) return false;
  await sendRefund(refundId);
  return true;
}
