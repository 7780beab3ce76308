CREATE TABLE `audit_logs` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`actor_user_id` int,
	`action` varchar(100) NOT NULL,
	`entity_type` varchar(50) NOT NULL,
	`entity_id` varchar(64) NOT NULL,
	`before` json,
	`after` json,
	`ip` varchar(45),
	`user_agent` varchar(255),
	`request_id` varchar(64),
	`created_at` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
	CONSTRAINT `audit_logs_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `kyc_records` (
	`id` int AUTO_INCREMENT NOT NULL,
	`user_id` int NOT NULL,
	`status` enum('pending','verified','rejected') NOT NULL DEFAULT 'pending',
	`pan_encrypted` varchar(255) NOT NULL,
	`pan_blind_index` varchar(64) NOT NULL,
	`pan_masked` varchar(10) NOT NULL,
	`aadhaar_encrypted` varchar(255) NOT NULL,
	`aadhaar_blind_index` varchar(64) NOT NULL,
	`aadhaar_last4` varchar(4) NOT NULL,
	`documents` json,
	`rejection_reason` varchar(500),
	`submitted_at` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
	`reviewed_at` timestamp,
	`reviewed_by` int,
	`created_at` timestamp DEFAULT CURRENT_TIMESTAMP,
	`updated_at` timestamp DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
	CONSTRAINT `kyc_records_id` PRIMARY KEY(`id`),
	CONSTRAINT `uq_kyc_user` UNIQUE(`user_id`),
	CONSTRAINT `uq_kyc_pan_bidx` UNIQUE(`pan_blind_index`),
	CONSTRAINT `uq_kyc_aadhaar_bidx` UNIQUE(`aadhaar_blind_index`)
);
--> statement-breakpoint
ALTER TABLE `kyc_records` ADD CONSTRAINT `fk_kyc_records_user` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX `idx_audit_actor` ON `audit_logs` (`actor_user_id`,`id`);--> statement-breakpoint
CREATE INDEX `idx_audit_entity` ON `audit_logs` (`entity_type`,`entity_id`,`id`);--> statement-breakpoint
CREATE INDEX `idx_audit_action` ON `audit_logs` (`action`,`id`);--> statement-breakpoint
CREATE INDEX `idx_audit_created` ON `audit_logs` (`created_at`);--> statement-breakpoint
CREATE INDEX `idx_kyc_status` ON `kyc_records` (`status`,`submitted_at`);