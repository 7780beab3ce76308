CREATE TABLE `idempotency_keys` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`user_id` int NOT NULL,
	`idem_key` varchar(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	`request_hash` varchar(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	`status_code` smallint NOT NULL,
	`response_body` text,
	`resource_ref` varchar(255),
	`created_at` timestamp DEFAULT CURRENT_TIMESTAMP,
	`expires_at` timestamp NOT NULL,
	CONSTRAINT `idempotency_keys_id` PRIMARY KEY(`id`),
	CONSTRAINT `uq_idempotency_user_key` UNIQUE(`user_id`,`idem_key`)
);
--> statement-breakpoint
CREATE INDEX `idx_idempotency_expires` ON `idempotency_keys` (`expires_at`);