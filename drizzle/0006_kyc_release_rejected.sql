ALTER TABLE `kyc_records` MODIFY COLUMN `pan_blind_index` varchar(64);--> statement-breakpoint
ALTER TABLE `kyc_records` MODIFY COLUMN `aadhaar_blind_index` varchar(64);