/**
 * Access-token verification remembers the tokens it verified (lib/auth/jwt.ts). A repeat use must
 * answer exactly as a first verification would: same claims, expiry at the same millisecond as jose's
 * rule, and no credit for a token that merely resembles a remembered one.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { signAccessToken, verifyAccessToken } from "../../lib/auth/jwt.js";
import { env } from "../../lib/env.js";

afterEach(() => {
  vi.useRealTimers();
});

describe("verifyAccessToken on a token it has verified before", () => {
  it("expires at the same instant as a token verified for the first time", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-11-22T10:00:00.250Z"));
    const remembered = await signAccessToken({ userId: 41, sessionId: "s-remembered", role: "customer" });
    const fresh = await signAccessToken({ userId: 42, sessionId: "s-fresh", role: "customer" });
    expect(await verifyAccessToken(remembered.token)).toEqual({
      userId: 41,
      sessionId: "s-remembered",
      role: "customer",
    });

    // `exp` is iat (whole seconds) + TTL: the last valid millisecond is one before exp × 1000.
    const expMs = (Math.floor(Date.parse("2026-11-22T10:00:00.250Z") / 1000) + env.ACCESS_TOKEN_TTL_SECONDS) * 1000;
    vi.setSystemTime(expMs - 1);
    expect((await verifyAccessToken(remembered.token))?.userId).toBe(41);
    vi.setSystemTime(expMs);
    expect(await verifyAccessToken(remembered.token)).toBeNull();
    // jose, on a token it has not seen, draws the line at the same millisecond.
    expect(await verifyAccessToken(fresh.token)).toBeNull();
    vi.setSystemTime(expMs - 1);
    expect((await verifyAccessToken(fresh.token))?.userId).toBe(42);
  });

  it("gives no credit to a token that differs from a remembered one in its signature or payload", async () => {
    const { token } = await signAccessToken({ userId: 7, sessionId: "s-seven", role: "customer" });
    expect((await verifyAccessToken(token))?.userId).toBe(7);
    const [header, payload, signature] = token.split(".") as [string, string, string];
    const flipped = `${signature.slice(0, -2)}${signature.at(-2) === "A" ? "B" : "A"}${signature.at(-1)}`;
    const escalated = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload, "base64url").toString()), role: "admin" }),
    ).toString("base64url");
    for (const forged of [`${header}.${payload}.${flipped}`, `${header}.${escalated}.${signature}`, `${token}x`]) {
      expect(await verifyAccessToken(forged)).toBeNull();
    }
    expect((await verifyAccessToken(token))?.role).toBe("customer");
  });
});
