ALTER TABLE `wallet_holds` ADD `limits_enforced` boolean DEFAULT true NOT NULL;--> statement-breakpoint
-- Holds reserved for refunds back to source were created without the debit-limit check: mark them so.
UPDATE `wallet_holds` h JOIN `payment_refunds` r ON r.`hold_id` = h.`id` SET h.`limits_enforced` = false;
