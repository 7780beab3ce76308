-- Repair: a credited top-up whose link to its credit line was lost (written after the credit's commit
-- until the credit set it in its own batch) gets it back, so it can be refunded.
UPDATE `payments` p
  JOIN `postings` ps ON ps.`reference` = CONCAT('phonepe:', p.`phonepe_merchant_transaction_id`)
  JOIN `transactions` t ON t.`posting_id` = ps.`id` AND t.`user_id` = p.`user_id`
SET p.`transaction_id` = t.`id`
WHERE p.`transaction_id` IS NULL AND p.`status` IN ('success', 'refunded');
