-- The ledger is append-only (DESIGN.md "The ledger"): a mistake is corrected by a new posting, never by
-- editing or deleting a line. These triggers make the database refuse it, whoever asks, so a bug or a
-- hand-typed UPDATE cannot rewrite history behind the verifier; the incremental verifier relies on it.
-- Each statement is sent whole (no DELIMITER needed) and the compound body sits in BEGIN ... END, as
-- MySQL 8 and MariaDB both accept. On RDS with binary logging, creating triggers needs
-- log_bin_trust_function_creators = 1 in the parameter group (README, deploy).
CREATE TRIGGER `transactions_append_only_update` BEFORE UPDATE ON `transactions` FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'ledger rows are append-only (transactions): post a correcting entry instead';--> statement-breakpoint
CREATE TRIGGER `transactions_append_only_delete` BEFORE DELETE ON `transactions` FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'ledger rows are append-only (transactions): post a correcting entry instead';--> statement-breakpoint
CREATE TRIGGER `postings_append_only_update` BEFORE UPDATE ON `postings` FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'ledger rows are append-only (postings): post a correcting entry instead';--> statement-breakpoint
CREATE TRIGGER `postings_append_only_delete` BEFORE DELETE ON `postings` FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'ledger rows are append-only (postings): post a correcting entry instead';--> statement-breakpoint
CREATE TRIGGER `system_ledger_entries_append_only_update` BEFORE UPDATE ON `system_ledger_entries` FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'ledger rows are append-only (system_ledger_entries): post a correcting entry instead';--> statement-breakpoint
CREATE TRIGGER `system_ledger_entries_append_only_delete` BEFORE DELETE ON `system_ledger_entries` FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'ledger rows are append-only (system_ledger_entries): post a correcting entry instead';--> statement-breakpoint
-- Foreign-key actions fire no triggers, and the seed's fk_transactions_user is ON DELETE CASCADE: deleting
-- a user would silently take their lines with it (and the other FKs would null a line's counterparty).
-- A user with ledger lines is closed, never deleted (records are kept for years: docs/domain-india.md).
CREATE TRIGGER `users_keep_ledger_owners` BEFORE DELETE ON `users` FOR EACH ROW
BEGIN
  IF EXISTS (SELECT 1 FROM `transactions` WHERE `user_id` = OLD.`id` OR `recipient_id` = OLD.`id`
             OR `from_account_id` = OLD.`id` OR `to_account_id` = OLD.`id`) THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'a user with ledger lines cannot be deleted: close the account instead';
  END IF;
END;
