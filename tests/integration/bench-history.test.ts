/**
 * The benchmark's bulk history generator (scripts/bench/setup-data.ts) writes ledger lines without
 * lib/ledger, so it must keep every invariant itself — the hash chain included — or the benchmark's
 * verifier timing measures a broken ledger. Small sizes; the same SQL as the 1,000,000-line run.
 */
import type { RowDataPacket } from "mysql2";
import { afterAll, expect, it } from "vitest";
import { pool } from "../../lib/db/index.js";
import { createUsers, generateHistory } from "../../scripts/bench/setup-data.js";
import { closeDatabases, expectLedgerClean } from "../helpers/ledger.js";

afterAll(closeDatabases);

it("generates hash-chained, balanced history the verifier passes", async () => {
  const users = await createUsers(pool, 3, 77);
  await generateHistory(pool, users, 40, String(Date.now() % 100000));

  const [rows] = await pool.query<RowDataPacket[]>(
    `SELECT user_id, COUNT(*) AS line_count, COUNT(entry_hash) AS hashed, COUNT(DISTINCT entry_hash) AS distinct_hashes,
       MAX(wallet_seq) AS last_seq
     FROM transactions WHERE user_id IN (?) GROUP BY user_id ORDER BY user_id`,
    [users.map((u) => u.id)],
  );
  expect(
    rows.map((r) => [r.user_id, Number(r.line_count), Number(r.hashed), Number(r.distinct_hashes), r.last_seq]),
  ).toEqual(users.map((u) => [u.id, 40, 40, 40, 40]));
  const [[wallet]] = await pool.query<RowDataPacket[]>("SELECT wallet_balance, wallet_seq FROM users WHERE id = ?", [
    users[1]?.id,
  ]);
  expect([wallet?.wallet_balance, wallet?.wallet_seq]).toEqual(["0.40", 40]);
  await expectLedgerClean();
});
