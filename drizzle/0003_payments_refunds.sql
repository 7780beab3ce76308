CREATE TABLE `payment_refunds` (
	`id` int AUTO_INCREMENT NOT NULL,
	`payment_id` int NOT NULL,
	`user_id` int NOT NULL,
	`merchant_refund_id` varchar(63) NOT NULL,
	`phonepe_refund_id` varchar(255),
	`amount` decimal(15,2) NOT NULL,
	`status` enum('pending','confirmed','completed','failed') NOT NULL DEFAULT 'pending',
	`kind` enum('admin','auto_cap') NOT NULL,
	`reason` text,
	`hold_id` int,
	`requested_by` int,
	`provider_accepted` int NOT NULL DEFAULT 0,
	`error_code` varchar(64),
	`next_check_at` timestamp,
	`last_checked_at` timestamp,
	`check_count` int NOT NULL DEFAULT 0,
	`completed_at` timestamp,
	`created_at` timestamp DEFAULT CURRENT_TIMESTAMP,
	`updated_at` timestamp DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
	CONSTRAINT `payment_refunds_id` PRIMARY KEY(`id`),
	CONSTRAINT `payment_refunds_merchant_refund_id_unique` UNIQUE(`merchant_refund_id`)
);
--> statement-breakpoint
ALTER TABLE `payments` MODIFY COLUMN `status` enum('pending','success','failed','cancelled','expired','refunded') DEFAULT 'pending';--> statement-breakpoint
ALTER TABLE `payments` MODIFY COLUMN `payment_method` enum('upi','card','netbanking','wallet');--> statement-breakpoint
ALTER TABLE `payments` ADD `provider_state` varchar(32);--> statement-breakpoint
ALTER TABLE `payments` ADD `flag_reason` varchar(64);--> statement-breakpoint
ALTER TABLE `payments` ADD `next_check_at` timestamp;--> statement-breakpoint
ALTER TABLE `payments` ADD `last_checked_at` timestamp;--> statement-breakpoint
ALTER TABLE `payments` ADD `check_count` int DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `payment_refunds` ADD CONSTRAINT `fk_refunds_payment` FOREIGN KEY (`payment_id`) REFERENCES `payments`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `payment_refunds` ADD CONSTRAINT `fk_refunds_user` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX `idx_refund_payment` ON `payment_refunds` (`payment_id`,`status`);--> statement-breakpoint
CREATE INDEX `idx_refund_next_check` ON `payment_refunds` (`next_check_at`);--> statement-breakpoint
CREATE INDEX `idx_payment_next_check` ON `payments` (`next_check_at`);