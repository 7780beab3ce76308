/** lib/db: driver errors map to the error model, and a failed transaction never leaves half its writes. */
import { eq, sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { users } from "../../db/schema/index.js";
import { db, mapDbError, pool, withTransaction } from "../../lib/db/index.js";
import { closeLedgerPool, getLedgerPool } from "../../lib/ledger/connection.js";
import { paise } from "../../lib/money/index.js";

let n = 0;
const prefix = `db${Date.now()}`;
const newUser = () => {
  n++;
  const tag = `${prefix}${n}`;
  return { email: `${tag}@t.test`, username: tag, phone: `8${tag.slice(-9)}`, password: "x" };
};

afterAll(async () => {
  // These tests write balances around the ledger on purpose: remove their users so the ledger
  // verifier that other test files in this worker run stays meaningful.
  await db.delete(users).where(sql`${users.email} LIKE ${`${prefix}%`}`);
  await db.execute(sql`DROP TABLE IF EXISTS chk_probe`);
  await pool.end();
  await closeLedgerPool();
});

describe("sessions", () => {
  it("run in UTC on a server whose default zone is IST (the suite's server runs at +05:30)", async () => {
    const zones = async (q: { query: (s: string) => Promise<unknown> }) =>
      (
        (await q.query("SELECT @@global.time_zone AS g, @@session.time_zone AS s")) as [{ g: string; s: string }[]]
      )[0][0];
    expect(await zones(pool)).toEqual({ g: "+05:30", s: "+00:00" });
    expect(await zones(getLedgerPool())).toEqual({ g: "+05:30", s: "+00:00" });
    // A TIMESTAMP written through drizzle reads back as the same instant, and the server agrees on it.
    const u = newUser();
    const at = new Date("2026-03-31T18:29:59.000Z");
    await db.insert(users).values({ ...u, lastLogin: at });
    const [row] = await db
      .select({ at: users.lastLogin, epoch: sql<string>`UNIX_TIMESTAMP(${users.lastLogin})` })
      .from(users)
      .where(eq(users.email, u.email));
    expect([row?.at?.toISOString(), Number(row?.epoch)]).toEqual([at.toISOString(), at.getTime() / 1000]);
  });
});

describe("driver error mapping", () => {
  it("duplicate key → CONFLICT", async () => {
    const u = newUser();
    await db.insert(users).values(u);
    const error = await db
      .insert(users)
      .values({ ...u, username: `${u.username}b`, phone: "8999999999" })
      .catch((e) => e);
    expect(mapDbError(error)?.code).toBe("CONFLICT");
  });

  it("CHECK violation (MariaDB errno 4025) → CONFLICT", async () => {
    await db.execute(sql`CREATE TABLE IF NOT EXISTS chk_probe (v INT, CONSTRAINT chk_probe_v CHECK (v >= 0))`);
    const error = await db.execute(sql`INSERT INTO chk_probe VALUES (-1)`).catch((e) => e);
    expect(mapDbError(error)?.code).toBe("CONFLICT");
  });

  it("connection refused → SERVICE_UNAVAILABLE", () => {
    const error = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    expect(mapDbError(error)?.code).toBe("SERVICE_UNAVAILABLE");
  });

  it("unknown errors are not mapped", () => {
    expect(mapDbError(new Error("boom"))).toBeNull();
  });
});

describe("withTransaction", () => {
  it("rolls back every write when the function throws, and the connection is clean for the next user", async () => {
    const u = newUser();
    const [{ id }] = (await db.insert(users).values(u).$returningId()) as [{ id: number }];
    const failure = withTransaction(async ({ tx }) => {
      await tx
        .update(users)
        .set({ walletBalance: paise(5000) })
        .where(eq(users.id, id));
      throw new Error("injected failure after the first write");
    });
    await expect(failure).rejects.toThrow("injected failure");
    // Every pooled connection must now be outside a transaction: run work on all of them at once.
    const states = await Promise.all(
      Array.from({ length: 20 }, () =>
        withTransaction(async ({ conn }) => {
          const [rows] = await conn.query("SELECT @@in_transaction AS t");
          return rows;
        }),
      ),
    );
    expect(states).toHaveLength(20);
    const [row] = await db.select({ b: users.walletBalance }).from(users).where(eq(users.id, id));
    expect(row?.b).toBe(0);
  });

  it("retries a deadlock victim and commits once", async () => {
    const a = newUser();
    const b = newUser();
    const [{ id: idA }] = (await db.insert(users).values(a).$returningId()) as [{ id: number }];
    const [{ id: idB }] = (await db.insert(users).values(b).$returningId()) as [{ id: number }];
    let attempts = 0;
    const bump = (first: number, second: number) =>
      withTransaction(async ({ tx }) => {
        attempts++;
        await tx.update(users).set({ walletBalance: sql`wallet_balance + 1.00` }).where(eq(users.id, first));
        await new Promise((r) => setTimeout(r, 50));
        await tx.update(users).set({ walletBalance: sql`wallet_balance + 1.00` }).where(eq(users.id, second));
      });
    await Promise.all([bump(idA, idB), bump(idB, idA)]);
    expect(attempts).toBeGreaterThanOrEqual(3); // one of them was chosen as a deadlock victim and re-ran
    const rows = await db.select({ b: users.walletBalance }).from(users).where(sql`${users.id} IN (${idA}, ${idB})`);
    expect(rows.map((r) => r.b)).toEqual([200, 200]);
  });
});
