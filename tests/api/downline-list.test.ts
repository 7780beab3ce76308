import { afterAll, describe, expect, it } from "vitest";
import * as downline from "../../api/me/downline.js";
import { pool } from "../../lib/db/index.js";
import { createTestUser } from "../helpers/factories.js";
import { call } from "../helpers/request.js";

afterAll(() => pool.end());

type Page = { data: Record<string, unknown>[]; nextCursor: string | null };

describe("GET /api/me/downline", () => {
  it("lists only the caller's own retailers, newest first, with masked phones and paise balances (never written here: only lib/ledger moves money)", async () => {
    const dist = await createTestUser({ role: "distributor" });
    const otherDist = await createTestUser({ role: "distributor" });
    const r1 = await createTestUser({ role: "retailer", kycStatus: "pending", parentDistributorId: dist.id });
    const r2 = await createTestUser({ role: "retailer", parentDistributorId: dist.id });
    await createTestUser({ role: "retailer", parentDistributorId: otherDist.id });
    // A customer pointing at the distributor is not a retailer of it.
    await createTestUser({ role: "customer", parentDistributorId: dist.id });

    const res = await call<Page>(downline, { path: "/api/me/downline", token: dist.token });
    expect(res.status).toBe(200);
    expect(res.body.nextCursor).toBeNull();
    expect(res.body.data).toEqual([
      {
        id: r2.id,
        userCode: r2.userCode,
        fullName: expect.any(String),
        phoneMasked: `XXXXXX${r2.phone.slice(-4)}`,
        kycStatus: "verified",
        isActive: true,
        walletBalancePaise: 0,
        createdAt: expect.stringMatching(/Z$/),
      },
      expect.objectContaining({ id: r1.id, kycStatus: "pending", walletBalancePaise: 0 }),
    ]);
    expect(res.text).not.toContain(r1.phone);
    expect(res.text).not.toContain(r1.email);

    // The seed's is_active allows NULL, which sign-in treats as inactive: the list says so too.
    await pool.query("UPDATE users SET is_active = NULL WHERE id = ?", [r1.id]);
    const again = await call<Page>(downline, { path: "/api/me/downline", token: dist.token });
    expect(again.body.data.find((r) => r.id === r1.id)).toMatchObject({ isActive: false });

    const other = await call<Page>(downline, { path: "/api/me/downline", token: otherDist.token });
    expect(other.body.data).toHaveLength(1);
    expect(other.body.data.map((r) => r.id)).not.toContain(r1.id);
  });

  it("pages with a keyset cursor", async () => {
    const dist = await createTestUser({ role: "distributor" });
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) ids.push((await createTestUser({ role: "retailer", parentDistributorId: dist.id })).id);
    const first = await call<Page>(downline, { path: "/api/me/downline", token: dist.token, query: { limit: 2 } });
    expect(first.body.data.map((r) => r.id)).toEqual([ids[2], ids[1]]);
    const second = await call<Page>(downline, {
      path: "/api/me/downline",
      token: dist.token,
      query: { limit: 2, cursor: first.body.nextCursor ?? "" },
    });
    expect(second.body.data.map((r) => r.id)).toEqual([ids[0]]);
    expect(second.body.nextCursor).toBeNull();
    const forged = await call(downline, { path: "/api/me/downline", token: dist.token, query: { cursor: "x" } });
    expect(forged.status).toBe(400);
  });

  it.each(["customer", "retailer", "admin"] as const)("is forbidden to a %s", async (role) => {
    const user = await createTestUser({ role });
    const res = await call<{ error: { code: string } }>(downline, { path: "/api/me/downline", token: user.token });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("FORBIDDEN");
  });
});
