/**
 * The database itself keeps the ledger append-only (migration 0008): an UPDATE or DELETE of a line, a
 * posting or a system-account entry fails whoever sends it, and so does deleting a user who has lines
 * (the seed's ON DELETE CASCADE would take them along, and foreign-key actions fire no triggers).
 */
import type { RowDataPacket } from "mysql2";
import { afterAll, describe, expect, it } from "vitest";
import { pool } from "../../lib/db/index.js";
import { verifyLedger } from "../../lib/ledger/index.js";
import { createTestUser } from "../helpers/factories.js";
import { closeDatabases, expectLedgerClean, fundWallet, p2p, withAppendOnlyLifted } from "../helpers/ledger.js";

afterAll(closeDatabases);

const SIGNAL = { errno: 1644, sqlState: "45000" };

/** The whole row, to show a refused statement changed nothing. */
const rowOf = async (table: string, id: number) => {
  const [rows] = await pool.query<RowDataPacket[]>(`SELECT * FROM ${table} WHERE id = ?`, [id]);
  return rows[0];
};

describe("append-only ledger tables", () => {
  it("refuse UPDATE and DELETE of lines, postings and system entries; the rows stay as written", async () => {
    const [a, b] = [await createTestUser(), await createTestUser()];
    await fundWallet(a.id, 10_000);
    const posted = await p2p(a.id, b.id, 2_500);
    const line = posted.lines[0]?.id ?? 0;
    const [[entry]] = await pool.query<RowDataPacket[]>(
      "SELECT e.id FROM system_ledger_entries e JOIN transactions t ON t.posting_id = e.posting_id" +
        " WHERE t.user_id = ? LIMIT 1",
      [a.id],
    );
    const targets = [
      { table: "transactions", id: line, change: "credit_amount = credit_amount + 1" },
      { table: "postings", id: posted.postingId, change: "reference = CONCAT(reference, '-x')" },
      { table: "system_ledger_entries", id: Number(entry?.id), change: "debit_amount = debit_amount + 1" },
    ];
    for (const { table, id, change } of targets) {
      const before = await rowOf(table, id);
      expect(before, table).toBeDefined();
      const refused = { ...SIGNAL, sqlMessage: expect.stringContaining(`append-only (${table})`) };
      await expect(pool.query(`UPDATE ${table} SET ${change} WHERE id = ?`, [id])).rejects.toMatchObject(refused);
      await expect(pool.query(`DELETE FROM ${table} WHERE id = ?`, [id])).rejects.toMatchObject(refused);
      expect(await rowOf(table, id), table).toEqual(before);
    }
    // Inserting is what the ledger does, and it still works.
    await p2p(b.id, a.id, 500);
    await expectLedgerClean();
  });

  it("refuse deleting a user who has ledger lines, and allow it for one who has none", async () => {
    const [a, b, fresh] = [await createTestUser(), await createTestUser(), await createTestUser()];
    await fundWallet(a.id, 5_000);
    await p2p(a.id, b.id, 1_000);
    for (const owner of [a, b]) {
      await expect(pool.query("DELETE FROM users WHERE id = ?", [owner.id])).rejects.toMatchObject({
        ...SIGNAL,
        sqlMessage: expect.stringContaining("cannot be deleted"),
      });
    }
    const [lines] = await pool.query<RowDataPacket[]>("SELECT COUNT(*) AS n FROM transactions WHERE user_id = ?", [
      a.id,
    ]);
    expect(Number(lines[0]?.n)).toBe(2);
    await pool.query("DELETE FROM users WHERE id = ?", [fresh.id]);
    expect(await rowOf("users", fresh.id)).toBeUndefined();
    await expectLedgerClean();
  });

  it("are guarded again after a test lifted the guards to corrupt history on purpose", async () => {
    const [a, b] = [await createTestUser(), await createTestUser()];
    await fundWallet(a.id, 3_000);
    const line = (await p2p(a.id, b.id, 300)).lines[0]?.id ?? 0;
    const original = (await rowOf("transactions", line))?.remarks ?? null;
    const shift = (by: number) =>
      pool.query(`UPDATE transactions SET remarks = ? WHERE id = ?`, [`edited ${by}`, line]);
    await withAppendOnlyLifted(() => shift(1));
    expect((await rowOf("transactions", line))?.remarks).toBe("edited 1");
    await expect(shift(2)).rejects.toMatchObject(SIGNAL);
    // A failing tamper step still puts the guards back.
    await expect(withAppendOnlyLifted(() => Promise.reject(new Error("tamper failed")))).rejects.toThrow(
      "tamper failed",
    );
    await expect(shift(3)).rejects.toMatchObject(SIGNAL);
    expect((await rowOf("transactions", line))?.remarks).toBe("edited 1");
    // The edit that got through is in the line's hash (lib/ledger/line-hash.ts): the verifier sees it.
    const seen = (await verifyLedger()).violations.map((v) => [v.check, JSON.parse(v.detail).id]);
    expect(seen).toEqual([["line_hash", line]]);
    await withAppendOnlyLifted(() => pool.query("UPDATE transactions SET remarks = ? WHERE id = ?", [original, line]));
    await expectLedgerClean();
  });
});
