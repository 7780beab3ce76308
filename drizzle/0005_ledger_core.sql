CREATE TABLE `postings` (
	`id` int AUTO_INCREMENT NOT NULL,
	`reference` varchar(120) NOT NULL,
	`kind` enum('p2p','topup','adjustment','refund','hold_capture','commission','payout') NOT NULL,
	`limits_enforced` boolean NOT NULL DEFAULT true,
	`created_at` timestamp DEFAULT CURRENT_TIMESTAMP,
	CONSTRAINT `postings_id` PRIMARY KEY(`id`),
	CONSTRAINT `uq_postings_reference` UNIQUE(`reference`)
);
--> statement-breakpoint
CREATE TABLE `system_ledger_entries` (
	`id` int AUTO_INCREMENT NOT NULL,
	`posting_id` int NOT NULL,
	`account` enum('phonepe_clearing','payout_clearing','provider_float','commission_expense','fee_income','tds_payable','adjustments') NOT NULL,
	`debit_amount` decimal(15,2) NOT NULL DEFAULT 0.00,
	`credit_amount` decimal(15,2) NOT NULL DEFAULT 0.00,
	`created_at` timestamp DEFAULT CURRENT_TIMESTAMP,
	CONSTRAINT `system_ledger_entries_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `wallet_holds` (
	`id` int AUTO_INCREMENT NOT NULL,
	`user_id` int NOT NULL,
	`reference` varchar(120) NOT NULL,
	`amount` decimal(15,2) NOT NULL,
	`captured_amount` decimal(15,2) NOT NULL DEFAULT 0.00,
	`status` enum('active','captured','voided','expired') NOT NULL DEFAULT 'active',
	`reason` varchar(255) NOT NULL,
	`expires_at` timestamp(3) NOT NULL,
	`resolved_at` timestamp(3),
	`posting_id` int,
	`created_at` timestamp DEFAULT CURRENT_TIMESTAMP,
	`updated_at` timestamp DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
	CONSTRAINT `wallet_holds_id` PRIMARY KEY(`id`),
	CONSTRAINT `uq_wallet_holds_reference` UNIQUE(`reference`)
);
--> statement-breakpoint
CREATE TABLE `wallet_limit_usage` (
	`user_id` int NOT NULL,
	`period` enum('day','month','fy') NOT NULL,
	`period_start` date NOT NULL,
	`debit_amount` decimal(15,2) NOT NULL DEFAULT 0.00,
	`credit_amount` decimal(15,2) NOT NULL DEFAULT 0.00,
	`p2p_out_amount` decimal(15,2) NOT NULL DEFAULT 0.00,
	CONSTRAINT `pk_wallet_limit_usage` PRIMARY KEY(`user_id`,`period`,`period_start`)
);
--> statement-breakpoint
ALTER TABLE `transactions` ADD `posting_id` int;--> statement-breakpoint
ALTER TABLE `transactions` ADD `wallet_seq` int;--> statement-breakpoint
ALTER TABLE `transactions` ADD `balance_cap` decimal(15,2);--> statement-breakpoint
ALTER TABLE `users` ADD `held_balance` decimal(15,2) DEFAULT 0.00 NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `wallet_seq` int DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `transactions` ADD CONSTRAINT `uq_transactions_user_seq` UNIQUE(`user_id`,`wallet_seq`);--> statement-breakpoint
ALTER TABLE `wallet_holds` ADD CONSTRAINT `fk_wallet_holds_user` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX `idx_sle_posting` ON `system_ledger_entries` (`posting_id`);--> statement-breakpoint
CREATE INDEX `idx_sle_account` ON `system_ledger_entries` (`account`,`id`);--> statement-breakpoint
CREATE INDEX `idx_holds_status_expiry` ON `wallet_holds` (`status`,`expires_at`);--> statement-breakpoint
CREATE INDEX `idx_holds_user_status` ON `wallet_holds` (`user_id`,`status`);--> statement-breakpoint
ALTER TABLE `users` ADD CONSTRAINT `chk_users_balance_nonneg` CHECK (`users`.`wallet_balance` >= 0);--> statement-breakpoint
ALTER TABLE `users` ADD CONSTRAINT `chk_users_held_nonneg` CHECK (`users`.`held_balance` >= 0);--> statement-breakpoint
ALTER TABLE `users` ADD CONSTRAINT `chk_users_held_le_balance` CHECK (`users`.`held_balance` <= `users`.`wallet_balance`);--> statement-breakpoint
CREATE INDEX `idx_transactions_posting` ON `transactions` (`posting_id`);