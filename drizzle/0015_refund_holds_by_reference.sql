-- 0013 marked refund holds through payment_refunds.hold_id, which is written after the hold commits:
-- a refund that died in between left an active refund hold still counted against the owner's debit
-- limits. Refund holds are named refund:<merchantRefundId> (lib/payments/settle-refund.ts).
UPDATE `wallet_holds` SET `limits_enforced` = false WHERE `reference` LIKE 'refund:%' AND `limits_enforced`;
