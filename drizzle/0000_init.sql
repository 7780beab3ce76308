CREATE TABLE `users` (
	`id` int AUTO_INCREMENT NOT NULL,
	`email` varchar(255) NOT NULL,
	`username` varchar(100) NOT NULL,
	`phone` varchar(15) NOT NULL,
	`password` varchar(255) NOT NULL,
	`full_name` varchar(255),
	`wallet_balance` decimal(15,2) NOT NULL DEFAULT 0.00,
	`avatar_url` varchar(500),
	`date_of_birth` date,
	`address` text,
	`role` enum('customer','retailer','distributor','admin') DEFAULT 'customer',
	`kyc_status` enum('pending','verified','rejected') DEFAULT 'pending',
	`commission_rate` decimal(5,4) DEFAULT '0.0000',
	`parent_distributor_id` int,
	`user_code` varchar(50),
	`daily_limit` decimal(15,2) DEFAULT 25000.00,
	`monthly_limit` decimal(15,2) DEFAULT 100000.00,
	`is_active` boolean DEFAULT true,
	`email_verified` boolean DEFAULT false,
	`phone_verified` boolean DEFAULT false,
	`last_login` timestamp,
	`created_at` timestamp DEFAULT CURRENT_TIMESTAMP,
	`updated_at` timestamp DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
	CONSTRAINT `users_id` PRIMARY KEY(`id`),
	CONSTRAINT `users_email_unique` UNIQUE(`email`),
	CONSTRAINT `users_username_unique` UNIQUE(`username`),
	CONSTRAINT `users_phone_unique` UNIQUE(`phone`),
	CONSTRAINT `users_user_code_unique` UNIQUE(`user_code`)
);
--> statement-breakpoint
CREATE TABLE `transactions` (
	`id` int AUTO_INCREMENT NOT NULL,
	`user_id` int NOT NULL,
	`from_account_id` int,
	`to_account_id` int,
	`recipient_id` int,
	`transaction_type` enum('deposit','withdrawal','transfer','recharge','bill_payment','commission','refund') NOT NULL,
	`amount` decimal(15,2) NOT NULL,
	`fee_amount` decimal(10,2) DEFAULT 0.00,
	`currency` varchar(3) DEFAULT 'INR',
	`description` text,
	`reference_number` varchar(255),
	`bank_reference` varchar(255),
	`utr_number` varchar(255),
	`payment_method` enum('wallet','phonepe','upi','netbanking','card') DEFAULT 'wallet',
	`status` enum('pending','completed','failed','cancelled','refunded') DEFAULT 'pending',
	`failure_reason` text,
	`processed_at` timestamp,
	`beneficiary_name` varchar(255),
	`beneficiary_account` varchar(100),
	`beneficiary_ifsc` varchar(11),
	`beneficiary_bank` varchar(255),
	`opening_balance` decimal(15,2),
	`closing_balance` decimal(15,2),
	`ledger_date` date,
	`user_code` varchar(50),
	`ledger_type` enum('TopIn','Transfer','Recharge','Bill','Commission','Refund') DEFAULT 'TopIn',
	`remarks` text,
	`debit_amount` decimal(15,2) DEFAULT 0.00,
	`credit_amount` decimal(15,2) DEFAULT 0.00,
	`ip_address` varchar(45),
	`device_info` text,
	`location` varchar(255),
	`created_at` timestamp DEFAULT CURRENT_TIMESTAMP,
	`updated_at` timestamp DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
	CONSTRAINT `transactions_id` PRIMARY KEY(`id`),
	CONSTRAINT `transactions_reference_number_unique` UNIQUE(`reference_number`)
);
--> statement-breakpoint
CREATE TABLE `payments` (
	`id` int AUTO_INCREMENT NOT NULL,
	`user_id` int NOT NULL,
	`transaction_id` int,
	`phonepe_transaction_id` varchar(255),
	`phonepe_merchant_transaction_id` varchar(255),
	`amount` decimal(15,2) NOT NULL,
	`currency` varchar(3) DEFAULT 'INR',
	`status` enum('pending','success','failed','cancelled','expired') DEFAULT 'pending',
	`payment_method` enum('upi','card','netbanking','wallet') NOT NULL,
	`gateway_response` text,
	`callback_data` json,
	`success_url` varchar(500),
	`failure_url` varchar(500),
	`callback_url` varchar(500),
	`refund_amount` decimal(15,2) DEFAULT 0.00,
	`refund_reason` text,
	`refunded_at` timestamp,
	`initiated_at` timestamp DEFAULT CURRENT_TIMESTAMP,
	`completed_at` timestamp,
	`expires_at` timestamp,
	`created_at` timestamp DEFAULT CURRENT_TIMESTAMP,
	`updated_at` timestamp DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
	CONSTRAINT `payments_id` PRIMARY KEY(`id`),
	CONSTRAINT `payments_phonepe_transaction_id_unique` UNIQUE(`phonepe_transaction_id`),
	CONSTRAINT `payments_phonepe_merchant_transaction_id_unique` UNIQUE(`phonepe_merchant_transaction_id`)
);
--> statement-breakpoint
CREATE TABLE `beneficiaries` (
	`id` int AUTO_INCREMENT NOT NULL,
	`user_id` int NOT NULL,
	`beneficiary_name` varchar(255) NOT NULL,
	`account_number` varchar(100) NOT NULL,
	`ifsc_code` varchar(11) NOT NULL,
	`bank_name` varchar(255) NOT NULL,
	`account_type` enum('savings','current','overdraft') DEFAULT 'savings',
	`relationship` varchar(100),
	`nickname` varchar(100),
	`is_verified` boolean DEFAULT false,
	`verification_date` timestamp,
	`is_active` boolean DEFAULT true,
	`daily_limit` decimal(15,2),
	`monthly_limit` decimal(15,2),
	`created_at` timestamp DEFAULT CURRENT_TIMESTAMP,
	`updated_at` timestamp DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
	CONSTRAINT `beneficiaries_id` PRIMARY KEY(`id`),
	CONSTRAINT `unique_user_account` UNIQUE(`user_id`,`account_number`,`ifsc_code`)
);
--> statement-breakpoint
CREATE TABLE `commissions` (
	`id` int AUTO_INCREMENT NOT NULL,
	`user_id` int NOT NULL,
	`transaction_id` int NOT NULL,
	`commission_rate` decimal(5,4) NOT NULL,
	`commission_amount` decimal(15,2) NOT NULL,
	`level` tinyint NOT NULL,
	`parent_user_id` int,
	`calculated_at` timestamp DEFAULT CURRENT_TIMESTAMP,
	`created_at` timestamp DEFAULT CURRENT_TIMESTAMP,
	CONSTRAINT `commissions_id` PRIMARY KEY(`id`),
	CONSTRAINT `chk_commissions_level` CHECK(level between 1 and 3)
);
--> statement-breakpoint
ALTER TABLE `users` ADD CONSTRAINT `fk_users_parent_distributor` FOREIGN KEY (`parent_distributor_id`) REFERENCES `users`(`id`) ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `transactions` ADD CONSTRAINT `fk_transactions_user` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `transactions` ADD CONSTRAINT `fk_transactions_recipient` FOREIGN KEY (`recipient_id`) REFERENCES `users`(`id`) ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `transactions` ADD CONSTRAINT `fk_transactions_from_account` FOREIGN KEY (`from_account_id`) REFERENCES `users`(`id`) ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `transactions` ADD CONSTRAINT `fk_transactions_to_account` FOREIGN KEY (`to_account_id`) REFERENCES `users`(`id`) ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `payments` ADD CONSTRAINT `fk_payments_user` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `payments` ADD CONSTRAINT `fk_payments_transaction` FOREIGN KEY (`transaction_id`) REFERENCES `transactions`(`id`) ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `beneficiaries` ADD CONSTRAINT `fk_beneficiaries_user` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `commissions` ADD CONSTRAINT `fk_commissions_user` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `commissions` ADD CONSTRAINT `fk_commissions_transaction` FOREIGN KEY (`transaction_id`) REFERENCES `transactions`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `commissions` ADD CONSTRAINT `fk_commissions_parent_user` FOREIGN KEY (`parent_user_id`) REFERENCES `users`(`id`) ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX `idx_email` ON `users` (`email`);--> statement-breakpoint
CREATE INDEX `idx_phone` ON `users` (`phone`);--> statement-breakpoint
CREATE INDEX `idx_username` ON `users` (`username`);--> statement-breakpoint
CREATE INDEX `idx_user_code` ON `users` (`user_code`);--> statement-breakpoint
CREATE INDEX `idx_role` ON `users` (`role`);--> statement-breakpoint
CREATE INDEX `idx_kyc_status` ON `users` (`kyc_status`);--> statement-breakpoint
CREATE INDEX `idx_parent_distributor` ON `users` (`parent_distributor_id`);--> statement-breakpoint
CREATE INDEX `idx_users_role_kyc` ON `users` (`role`,`kyc_status`);--> statement-breakpoint
CREATE INDEX `idx_user_date` ON `transactions` (`user_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `idx_reference` ON `transactions` (`reference_number`);--> statement-breakpoint
CREATE INDEX `idx_status` ON `transactions` (`status`);--> statement-breakpoint
CREATE INDEX `idx_transaction_type` ON `transactions` (`transaction_type`);--> statement-breakpoint
CREATE INDEX `idx_ledger_date` ON `transactions` (`ledger_date`);--> statement-breakpoint
CREATE INDEX `idx_user_code` ON `transactions` (`user_code`);--> statement-breakpoint
CREATE INDEX `idx_ledger_type` ON `transactions` (`ledger_type`);--> statement-breakpoint
CREATE INDEX `idx_amount` ON `transactions` (`amount`);--> statement-breakpoint
CREATE INDEX `idx_payment_method` ON `transactions` (`payment_method`);--> statement-breakpoint
CREATE INDEX `idx_transactions_status_type` ON `transactions` (`status`,`transaction_type`);--> statement-breakpoint
CREATE INDEX `idx_transactions_amount_range` ON `transactions` (`amount`,`created_at`);--> statement-breakpoint
CREATE INDEX `idx_user_payment` ON `payments` (`user_id`,`status`);--> statement-breakpoint
CREATE INDEX `idx_phonepe_trans` ON `payments` (`phonepe_transaction_id`);--> statement-breakpoint
CREATE INDEX `idx_merchant_trans` ON `payments` (`phonepe_merchant_transaction_id`);--> statement-breakpoint
CREATE INDEX `idx_status_date` ON `payments` (`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `idx_user_beneficiary` ON `beneficiaries` (`user_id`,`is_active`);--> statement-breakpoint
CREATE INDEX `idx_account_ifsc` ON `beneficiaries` (`account_number`,`ifsc_code`);--> statement-breakpoint
CREATE INDEX `idx_verification` ON `beneficiaries` (`is_verified`,`verification_date`);--> statement-breakpoint
CREATE INDEX `idx_commissions_user` ON `commissions` (`user_id`,`calculated_at`);--> statement-breakpoint
CREATE INDEX `idx_commissions_transaction` ON `commissions` (`transaction_id`);