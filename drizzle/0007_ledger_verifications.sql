CREATE TABLE `ledger_verifications` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`scope` enum('full','incremental') NOT NULL,
	`started_at` timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	`duration_ms` int NOT NULL,
	`ok` boolean NOT NULL,
	`violation_count` int NOT NULL,
	`lines_from` int NOT NULL,
	`lines_to` int NOT NULL,
	`system_from` int NOT NULL,
	`system_to` int NOT NULL,
	`postings_from` int NOT NULL,
	`postings_to` int NOT NULL,
	CONSTRAINT `ledger_verifications_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE INDEX `idx_verifications_ok_started` ON `ledger_verifications` (`ok`,`started_at`);