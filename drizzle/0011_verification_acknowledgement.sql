ALTER TABLE `ledger_verifications` ADD `acknowledged_at` timestamp(3);--> statement-breakpoint
ALTER TABLE `ledger_verifications` ADD `acknowledged_by` int;--> statement-breakpoint
ALTER TABLE `ledger_verifications` ADD `acknowledgement` varchar(500);--> statement-breakpoint
CREATE INDEX `idx_verifications_started` ON `ledger_verifications` (`started_at`);