import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import * as logoutRoute from "../../api/auth/logout.js";
import * as changeRoute from "../../api/auth/password/change.js";
import * as sessionRoute from "../../api/auth/sessions/[id].js";
import * as sessionsRoute from "../../api/auth/sessions.js";
import * as me from "../../api/me.js";
import { auditLogs, sessions, users } from "../../db/schema/index.js";
import { db, pool } from "../../lib/db/index.js";
import { createTestUser } from "../helpers/factories.js";
import { call } from "../helpers/request.js";
import { type ApiError, login, newAccount, PASSWORD, type Pair, randomIp, refresh, register } from "./auth-helpers.js";

afterAll(() => pool.end());

async function loggedIn(headers: Record<string, string> = {}) {
  const account = newAccount();
  await register(account);
  const res = await login({ identifier: account.username, password: PASSWORD }, randomIp(), headers);
  expect(res.status).toBe(200);
  return { ...account, ...res.body };
}

const getMe = (token: string) => call<ApiError>(me, { path: "/api/me", token });
const sessionRow = async (id: string) => (await db.select().from(sessions).where(eq(sessions.id, id)))[0];
const sidOf = (refreshToken: string) => (/^nxr_(ses_[^.]+)\./.exec(refreshToken) as RegExpExecArray)[1] as string;

describe("POST /api/auth/refresh", () => {
  it("rotates: the new pair works, the old refresh token is dead", async () => {
    const s = await loggedIn();
    const next = await refresh(s.refreshToken);
    expect(next.status).toBe(200);
    expect(next.body.refreshToken).not.toBe(s.refreshToken);
    expect(sidOf(next.body.refreshToken)).toBe(sidOf(s.refreshToken));
    expect((await getMe(next.body.accessToken)).status).toBe(200);
    const row = await sessionRow(sidOf(s.refreshToken));
    expect(row?.refreshTokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(next.body.refreshToken.split(".")[1]);
  });

  it("reuse of a rotated token revokes the whole session (RFC 9700): RT2 and its access token die too", async () => {
    const s = await loggedIn();
    const second = await refresh(s.refreshToken);
    expect(second.status).toBe(200);
    const reuse = await refresh(s.refreshToken);
    expect(reuse.status).toBe(401);
    expect(reuse.body.error.code).toBe("UNAUTHORIZED");
    expect((await refresh(second.body.refreshToken)).status).toBe(401);
    expect((await getMe(second.body.accessToken)).status).toBe(401);
    const row = await sessionRow(sidOf(s.refreshToken));
    expect(row?.revokeReason).toBe("refresh_reuse");
    const audit = await db
      .select()
      .from(auditLogs)
      .where(eq(auditLogs.entityId, sidOf(s.refreshToken)));
    expect(audit.map((a) => a.action)).toContain("session.refresh_reuse_revoked");
  });

  it("ten concurrent refreshes with one token: exactly one 200, the rest 401", async () => {
    const s = await loggedIn();
    const results = await Promise.all(Array.from({ length: 10 }, () => refresh(s.refreshToken)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((x) => x === 200)).toHaveLength(1);
    expect(statuses.filter((x) => x === 401)).toHaveLength(9);
    // Strict single use: the losers presented a spent token, so the session ends (clients serialise refreshes).
    expect((await sessionRow(sidOf(s.refreshToken)))?.revokeReason).toBe("refresh_reuse");
  });

  it("rejects malformed, forged and unknown tokens with 401", async () => {
    const s = await loggedIn();
    for (const token of [
      "garbage",
      `${s.refreshToken}x`,
      "nxr_ses_AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    ]) {
      expect((await refresh(token)).status, token).toBe(401);
    }
    // An access token is not a refresh token.
    expect((await refresh(s.accessToken)).status).toBe(401);
  });

  it("an expired session cannot be refreshed", async () => {
    const s = await loggedIn();
    await db
      .update(sessions)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(sessions.id, sidOf(s.refreshToken)));
    expect((await refresh(s.refreshToken)).status).toBe(401);
    expect((await getMe(s.accessToken)).status).toBe(401);
  });
});

describe("sessions, logout and password change", () => {
  it("lists live sessions with device, IP, location and `current`", async () => {
    const s = await loggedIn({
      "user-agent": "NexasPay-Android/3.1",
      "x-vercel-ip-city": "Bengaluru",
      "x-vercel-ip-country": "IN",
    });
    const other = await login({ identifier: s.email, password: PASSWORD });
    const res = await call<{ data: Record<string, unknown>[] }>(sessionsRoute, {
      path: "/api/auth/sessions",
      token: s.accessToken,
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toHaveLength(2);
    const current = res.body.data.find((d) => d.current === true);
    expect(current).toMatchObject({
      id: sidOf(s.refreshToken),
      deviceInfo: "NexasPay-Android/3.1",
      location: "Bengaluru, IN",
    });
    expect(Object.keys(current ?? {}).sort()).toEqual(
      ["createdAt", "current", "deviceInfo", "id", "ipAddress", "lastUsedAt", "location"].sort(),
    );
    expect(res.body.data.find((d) => d.current === false)?.id).toBe(sidOf(other.body.refreshToken));
  });

  it("DELETE ends one of my sessions; someone else's session id → 404 and it stays alive", async () => {
    const s = await loggedIn();
    const second = (await login({ identifier: s.username, password: PASSWORD })).body as Pair;
    const del = await call(sessionRoute, {
      method: "DELETE",
      path: `/api/auth/sessions/${sidOf(second.refreshToken)}`,
      query: { id: sidOf(second.refreshToken) },
      token: s.accessToken,
    });
    expect(del.status).toBe(204);
    expect((await getMe(second.accessToken)).status).toBe(401);
    expect((await refresh(second.refreshToken)).status).toBe(401);

    const stranger = await createTestUser();
    const foreign = await call<ApiError>(sessionRoute, {
      method: "DELETE",
      path: `/api/auth/sessions/${stranger.sessionId}`,
      query: { id: stranger.sessionId },
      token: s.accessToken,
    });
    expect(foreign.status).toBe(404);
    expect((await getMe(stranger.token)).status).toBe(200);
  });

  it("logout ends the current session only", async () => {
    const s = await loggedIn();
    const other = (await login({ identifier: s.username, password: PASSWORD })).body as Pair;
    const out = await call(logoutRoute, { method: "POST", path: "/api/auth/logout", token: s.accessToken, body: {} });
    expect(out.status).toBe(204);
    expect((await getMe(s.accessToken)).status).toBe(401);
    expect((await refresh(s.refreshToken)).status).toBe(401);
    expect((await getMe(other.accessToken)).status).toBe(200);
    expect((await sessionRow(sidOf(s.refreshToken)))?.revokeReason).toBe("logout");
  });

  it("password change ends every session; the old password stops working", async () => {
    const s = await loggedIn();
    const other = (await login({ identifier: s.username, password: PASSWORD })).body as Pair;
    const wrong = await call<ApiError>(changeRoute, {
      method: "POST",
      path: "/api/auth/password/change",
      token: s.accessToken,
      body: { currentPassword: "Not-my-password-1", newPassword: "Brand-new-pass-77" },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.details?.[0]?.path).toBe("currentPassword");
    const res = await call(changeRoute, {
      method: "POST",
      path: "/api/auth/password/change",
      token: s.accessToken,
      body: { currentPassword: PASSWORD, newPassword: "Brand-new-pass-77" },
    });
    expect(res.status).toBe(204);
    for (const token of [s.accessToken, other.accessToken]) expect((await getMe(token)).status).toBe(401);
    expect((await refresh(other.refreshToken)).status).toBe(401);
    expect((await login({ identifier: s.username, password: PASSWORD })).status).toBe(401);
    expect((await login({ identifier: s.username, password: "Brand-new-pass-77" })).status).toBe(200);
  });

  it("wrong current passwords count toward the login lockout: the 10th locks the account (423)", async () => {
    const s = await loggedIn();
    const change = (currentPassword: string) =>
      call<ApiError>(changeRoute, {
        method: "POST",
        path: "/api/auth/password/change",
        token: s.accessToken,
        body: { currentPassword, newPassword: "Brand-new-pass-77" },
      });
    for (let i = 0; i < 9; i++) expect((await change(`Not-my-password-${i}`)).status).toBe(400);
    const tenth = await change("Not-my-password-10");
    expect(tenth.status).toBe(423);
    expect(tenth.body.error.code).toBe("ACCOUNT_LOCKED");
    // Locked means locked here too, as at login: the right password is refused until the lock ends.
    const right = await change(PASSWORD);
    expect(right.status).toBe(423);
    expect(Number(right.headers.get("retry-after"))).toBeGreaterThan(25 * 60);
    expect((await login({ identifier: s.username, password: PASSWORD })).status).toBe(423);
    const actions = (
      await db
        .select()
        .from(auditLogs)
        .where(eq(auditLogs.entityId, String(s.user.id)))
    ).map((r) => r.action);
    expect(actions).toContain("user.locked");
  });

  it("the right current password forgets earlier failures, as a successful login does", async () => {
    const s = await loggedIn();
    const change = (currentPassword: string, newPassword: string) =>
      call<ApiError>(changeRoute, {
        method: "POST",
        path: "/api/auth/password/change",
        token: s.accessToken,
        body: { currentPassword, newPassword },
      });
    for (let i = 0; i < 9; i++) expect((await change(`Not-my-password-${i}`, "Brand-new-pass-77")).status).toBe(400);
    expect((await change(PASSWORD, "Brand-new-pass-77")).status).toBe(204);
    const [row] = await db.select({ n: users.failedLoginCount }).from(users).where(eq(users.id, s.user.id));
    expect(row?.n).toBe(0);
    // So one typo at the next login is a 401, not the lock nine earlier typos would have made it.
    expect((await login({ identifier: s.username, password: "Brand-new-pass-78" })).status).toBe(401);
  });

  it("an inactive user's token is refused at once", async () => {
    const user = await createTestUser();
    expect((await getMe(user.token)).status).toBe(200);
    await db.update(users).set({ isActive: false }).where(eq(users.id, user.id));
    expect((await getMe(user.token)).status).toBe(401);
  });
});
