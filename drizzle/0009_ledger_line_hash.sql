-- A per-wallet hash chain over the ledger lines (lib/ledger/line-hash.ts): each line written from now on
-- carries SHA-256 of its wallet's previous line's hash and its own fields. Lines already written keep
-- NULL (the rows are append-only: migration 0008), and a wallet's chain starts at its first hashed line.
ALTER TABLE `transactions` ADD `entry_hash` char(64);
