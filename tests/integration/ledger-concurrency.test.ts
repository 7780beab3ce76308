/**
 * Torture test: concurrent transfers in both directions (late-locked and small-PPI recipients), a hot
 * recipient, multi-credit postings and hold create/capture/void all at once. Every operation must end
 * in success or a business rejection (no deadlock escaping the retries, no 500), and the final
 * balances must equal the initial ones plus the effects of exactly the operations that succeeded.
 */
import { eq } from "drizzle-orm";
import { afterAll, expect, it } from "vitest";
import { users } from "../../db/schema/index.js";
import { db } from "../../lib/db/index.js";
import { isAppError } from "../../lib/http/errors.js";
import { captureHold, createHold, post, voidHold } from "../../lib/ledger/index.js";
import { paise } from "../../lib/money/index.js";
import { transfer } from "../../lib/wallet/transfer.js";
import { createTestUser } from "../helpers/factories.js";
import { balancesAndHolds, closeDatabases, expectLedgerClean, fundWallet, testRef } from "../helpers/ledger.js";

afterAll(closeDatabases);

const BUSINESS = new Set(["INSUFFICIENT_FUNDS", "LIMIT_EXCEEDED", "KYC_REQUIRED", "CONFLICT"]);
const pick = <T>(xs: T[]): T => xs[Math.floor(Math.random() * xs.length)] as T;

it("random concurrent postings and holds keep exact balances and a clean ledger", async () => {
  const verified = await Promise.all(Array.from({ length: 8 }, () => createTestUser()));
  const pending = await Promise.all(Array.from({ length: 2 }, () => createTestUser({ kycStatus: "pending" })));
  const all = [...verified, ...pending];
  const expected = new Map<number, number>();
  for (const u of all) {
    const amount = u.id % 2 ? 200_000 : 50_000;
    await fundWallet(u.id, amount);
    expected.set(u.id, amount);
  }
  const move = (id: number, delta: number) => expected.set(id, (expected.get(id) ?? 0) + delta);
  const hot = verified[0] ?? all[0];
  const rejected: string[] = [];
  let succeeded = 0;
  const op = async (): Promise<void> => {
    const r = Math.random();
    try {
      if (r < 0.5) {
        const s = pick(verified);
        const to = r < 0.2 ? hot : pick(all);
        if (!to || s.id === to.id) return;
        const amount = 1 + Math.floor(Math.random() * 30_000);
        await transfer({ senderId: s.id, recipient: to.userCode, amountPaise: paise(amount) });
        move(s.id, -amount);
        move(to.id, amount);
      } else if (r < 0.7) {
        const s = pick(all);
        const [c1, c2] = [pick(verified), pick(verified)];
        if (!c1 || !c2 || new Set([s.id, c1.id, c2.id]).size < 3) return;
        const leg = { transactionType: "commission", ledgerType: "Commission" } as const;
        await post({
          reference: testRef("SPLIT"),
          kind: "commission",
          walletLegs: [
            { ...leg, userId: s.id, direction: "debit", amountPaise: paise(300) },
            { ...leg, userId: c1.id, direction: "credit", amountPaise: paise(200), counterpartyUserId: s.id },
            { ...leg, userId: c2.id, direction: "credit", amountPaise: paise(100), counterpartyUserId: s.id },
          ],
          systemLegs: [],
        });
        move(s.id, -300);
        move(c1.id, 200);
        move(c2.id, 100);
      } else {
        const u = pick(all);
        const amount = 1 + Math.floor(Math.random() * 2_000);
        const hold = await createHold({
          userId: u.id,
          amountPaise: paise(amount),
          reference: testRef("H"),
          expiresAt: new Date(Date.now() + 60_000),
          reason: "torture",
        });
        if (r < 0.85) {
          const take = Math.max(1, Math.floor(amount / 2));
          await captureHold({
            holdId: hold.id,
            amountPaise: paise(take),
            posting: {
              reference: testRef("CAP"),
              walletLegs: [
                {
                  userId: u.id,
                  direction: "debit",
                  amountPaise: paise(take),
                  transactionType: "bill_payment",
                  ledgerType: "Bill",
                },
              ],
              systemLegs: [{ account: "provider_float", direction: "credit", amountPaise: paise(take) }],
            },
          });
          move(u.id, -take);
        } else {
          await voidHold({ holdId: hold.id, reason: "torture" });
        }
      }
      succeeded++;
    } catch (error) {
      if (!isAppError(error) || !BUSINESS.has(error.code)) throw error;
      rejected.push(error.code);
    }
  };
  for (let round = 0; round < 8; round++) await Promise.all(Array.from({ length: 40 }, op));
  const byCode: Record<string, number> = {};
  for (const c of rejected) byCode[c] = (byCode[c] ?? 0) + 1;
  console.log(`[torture] ${succeeded} succeeded, rejected ${JSON.stringify(byCode)}`);
  expect(succeeded).toBeGreaterThan(150); // the mix mostly succeeds: this is not a test of rejections
  const rows = await balancesAndHolds(all.map((u) => u.id));
  expect(Object.fromEntries(rows)).toEqual(Object.fromEntries(all.map((u) => [u.id, [expected.get(u.id), 0]])));
  expect(
    (
      await db
        .select({ b: users.walletBalance })
        .from(users)
        .where(eq(users.id, hot?.id ?? 0))
    )[0]?.b,
  ).toBe(expected.get(hot?.id ?? 0));
  await expectLedgerClean();
});
