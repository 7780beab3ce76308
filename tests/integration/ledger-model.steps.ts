/** Commands of the ledger model test: each runs against the real engine and updates the model. */
import fc from "fast-check";
import { expect } from "vitest";
import { ledgerFaults } from "../../lib/ledger/faults.js";
import { captureHold, createHold, sweepExpiredHolds, voidHold } from "../../lib/ledger/index.js";
import { paise } from "../../lib/money/index.js";
import { transfer } from "../../lib/wallet/transfer.js";
import { fundWallet, testRef } from "../helpers/ledger.js";
import { type Model, predictHold, predictTransfer } from "./ledger-model.model.js";

const u = fc.integer({ min: 0, max: 3 });
export const op = fc.oneof(
  {
    arbitrary: fc.record({ t: fc.constant("fund" as const), u, amt: fc.integer({ min: 1, max: 800_000 }) }),
    weight: 2,
  },
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant("transfer" as const),
      s: u,
      r: u,
      amt: fc.integer({ min: 1, max: 600_000 }),
      fault: fc.constantFrom(false, false, false, false, true),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ t: fc.constant("hold" as const), u, amt: fc.integer({ min: 1, max: 400_000 }) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant("capture" as const),
      h: fc.nat(),
      frac: fc.double({ min: 0, max: 1, noNaN: true }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("void" as const), h: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("expire" as const) }) },
);
export type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

/** Outcome counts over the whole run (the test asserts every class occurred). */
export const seen = new Map<string, number>();

function at<T>(items: T[], i: number): T {
  const v = items[i];
  if (v === undefined) throw new Error(`no item ${i}`);
  return v;
}

async function outcome(p: Promise<unknown>): Promise<string> {
  let result = "ok";
  try {
    await p;
  } catch (e) {
    result = (e as { code?: string }).code ?? (e as Error).message;
  }
  seen.set(result, (seen.get(result) ?? 0) + 1);
  return result;
}

export async function step(m: Model, o: Op): Promise<void> {
  if (o.t === "fund") {
    await fundWallet(at(m.users, o.u).id, o.amt);
    at(m.users, o.u).balance += o.amt;
    at(m.users, o.u).loadMonth += o.amt;
  } else if (o.t === "transfer") {
    const [s, r] = [at(m.users, o.s), at(m.users, o.r)];
    const expected = predictTransfer(s, r, o.amt);
    if (o.fault)
      ledgerFaults.hook = (stage) => {
        if (stage === "after-statement") throw new Error("injected");
      };
    const got = await outcome(transfer({ senderId: s.id, recipient: r.userCode, amountPaise: paise(o.amt) }));
    ledgerFaults.hook = null;
    expect(got).toBe(expected === "ok" && o.fault ? "injected" : expected);
    if (got === "ok") {
      s.balance -= o.amt;
      r.balance += o.amt;
      s.dayDebit += o.amt;
      s.monthDebit += o.amt;
      s.p2p += o.amt;
      r.loadMonth += o.amt;
    }
  } else if (o.t === "hold") {
    const w = at(m.users, o.u);
    const expected = predictHold(w, o.amt);
    const reference = testRef("H");
    let id = 0;
    const got = await outcome(
      createHold({
        userId: w.id,
        amountPaise: paise(o.amt),
        reference,
        expiresAt: new Date(Date.now() + 3_600_000),
        reason: "model",
      }).then((h) => {
        id = h.id;
      }),
    );
    expect(got).toBe(expected);
    if (got === "ok") {
      w.held += o.amt;
      m.holds.push({ id, user: w, amt: o.amt, status: "active" });
    }
  } else if (o.t === "capture" || o.t === "void") {
    if (m.holds.length === 0) return;
    const h = at(m.holds, o.h % m.holds.length);
    if (o.t === "capture") {
      const amt = Math.max(1, Math.floor(h.amt * o.frac));
      const posting = {
        reference: testRef("CAP"),
        systemLegs: [{ account: "provider_float" as const, direction: "credit" as const, amountPaise: paise(amt) }],
        walletLegs: [
          {
            userId: h.user.id,
            direction: "debit" as const,
            amountPaise: paise(amt),
            transactionType: "recharge" as const,
            ledgerType: "Recharge" as const,
          },
        ],
      };
      const got = await outcome(captureHold({ holdId: h.id, amountPaise: paise(amt), posting }));
      expect(got).toBe(h.status === "active" ? "ok" : "CONFLICT");
      if (got === "ok") {
        h.user.balance -= amt;
        h.user.held -= h.amt;
        h.user.dayDebit += amt;
        h.user.monthDebit += amt;
        h.status = "captured";
      }
    } else {
      const got = await outcome(voidHold({ holdId: h.id, reason: "model" }));
      expect(got).toBe(h.status === "captured" ? "CONFLICT" : "ok");
      if (got === "ok" && h.status === "active") {
        h.user.held -= h.amt;
        h.status = "voided";
      }
    }
  } else {
    const active = m.holds.filter((h) => h.status === "active");
    expect((await sweepExpiredHolds(new Date(Date.now() + 7_200_000))).expired).toBeGreaterThanOrEqual(active.length);
    for (const h of active) {
      h.user.held -= h.amt;
      h.status = "expired";
    }
  }
}
