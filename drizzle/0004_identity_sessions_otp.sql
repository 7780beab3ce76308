CREATE TABLE `otp_codes` (
	`id` int AUTO_INCREMENT NOT NULL,
	`destination` varchar(255) NOT NULL,
	`purpose` enum('verify_phone','verify_email','login','reset_password') NOT NULL,
	`code_hash` varchar(64) NOT NULL,
	`user_id` int,
	`attempts` tinyint NOT NULL DEFAULT 0,
	`expires_at` timestamp NOT NULL,
	`consumed_at` timestamp,
	`created_at` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
	CONSTRAINT `otp_codes_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` varchar(40) NOT NULL,
	`user_id` int NOT NULL,
	`refresh_token_hash` varchar(64) NOT NULL,
	`device_info` varchar(255),
	`ip_address` varchar(45),
	`location` varchar(120),
	`created_at` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
	`last_used_at` timestamp NOT NULL,
	`expires_at` timestamp NOT NULL,
	`revoked_at` timestamp,
	`revoke_reason` varchar(32),
	CONSTRAINT `sessions_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
ALTER TABLE `users` ADD `failed_login_count` int DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `locked_until` timestamp;--> statement-breakpoint
ALTER TABLE `users` ADD `totp_secret` varchar(512);--> statement-breakpoint
ALTER TABLE `users` ADD `totp_enabled` boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `totp_last_step` int;--> statement-breakpoint
CREATE INDEX `idx_otp_destination` ON `otp_codes` (`destination`,`purpose`,`id`);--> statement-breakpoint
CREATE INDEX `idx_sessions_user` ON `sessions` (`user_id`,`revoked_at`);