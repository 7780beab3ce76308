CREATE TABLE `kyc_submission_history` (
	`id` int AUTO_INCREMENT NOT NULL,
	`user_id` int NOT NULL,
	`kyc_record_id` int NOT NULL,
	`status` enum('pending','verified','rejected') NOT NULL,
	`pan_encrypted` varchar(255) NOT NULL,
	`pan_masked` varchar(10) NOT NULL,
	`aadhaar_encrypted` varchar(255) NOT NULL,
	`aadhaar_last4` varchar(4) NOT NULL,
	`documents` json,
	`rejection_reason` varchar(500),
	`submitted_at` timestamp NOT NULL,
	`reviewed_at` timestamp,
	`reviewed_by` int,
	`replaced_at` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
	CONSTRAINT `kyc_submission_history_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
ALTER TABLE `kyc_submission_history` ADD CONSTRAINT `fk_kyc_history_user` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX `idx_kyc_history_user` ON `kyc_submission_history` (`user_id`,`id`);