ALTER TABLE `ledger_verifications` ADD `lines_seen` int;--> statement-breakpoint
ALTER TABLE `ledger_verifications` ADD `system_seen` int;--> statement-breakpoint
ALTER TABLE `ledger_verifications` ADD `postings_seen` int;