/**
 * The whole account journey over real HTTP through the dev server: register → read the OTP from
 * GET /__dev/outbox → verify the phone → log in → refresh → logout, and the old tokens are dead.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pool } from "../../lib/db/index.js";
import type { DevServer } from "../../scripts/dev-server.js";
import { startTestServer } from "../helpers/dev-server.js";

let server: DevServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
  await pool.end();
});

async function http<T = Record<string, unknown>>(method: string, path: string, body?: unknown, token?: string) {
  const headers: Record<string, string> = {
    "user-agent": "flow-test/1.0",
    "x-vercel-ip-city": "Pune",
    "x-vercel-ip-country": "IN",
  };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T, headers: res.headers };
}

describe("account journey over HTTP", () => {
  it("register → outbox OTP → verify phone → login → refresh → logout", async () => {
    const n = String(Date.now()).slice(-8);
    const phone = `63${n}`;
    const account = {
      fullName: "Flow Tester",
      email: `flow${n}@example.in`,
      phone: `+91-${phone}`,
      username: `flow${n}`,
      password: "Flow-test-pass-1",
    };

    const reg = await http<{ user: { id: number; phoneVerified: boolean } }>("POST", "/api/auth/register", account);
    expect(reg.status).toBe(201);
    expect(reg.headers.get("x-request-id")).toMatch(/^req_/);
    expect(reg.body.user.phoneVerified).toBe(false);

    const outbox = await http<{ channel: string; to: string; purpose: string; body: string; createdAt: string }[]>(
      "GET",
      `/__dev/outbox?to=${encodeURIComponent(`+91${phone}`)}&limit=5`,
    );
    expect(outbox.status).toBe(200);
    expect(outbox.body[0]).toMatchObject({ channel: "sms", to: phone, purpose: "verify_phone" });
    const code = /\b(\d{6})\b/.exec(outbox.body[0]?.body ?? "")?.[1];
    expect(code).toBeDefined();

    const verified = await http("POST", "/api/auth/otp/verify", { destination: phone, purpose: "verify_phone", code });
    expect(verified).toMatchObject({ status: 200, body: { verified: true } });

    const login = await http<{ accessToken: string; refreshToken: string; user: { phoneVerified: boolean } }>(
      "POST",
      "/api/auth/login",
      { identifier: phone, password: account.password },
    );
    expect(login.status).toBe(200);
    expect(login.body.user.phoneVerified).toBe(true);
    expect(login.headers.get("cache-control")).toBe("no-store");

    const me = await http<{ id: number }>("GET", "/api/me", undefined, login.body.accessToken);
    expect(me.body.id).toBe(reg.body.user.id);
    const sessions = await http<{ data: { location: string; deviceInfo: string; current: boolean }[] }>(
      "GET",
      "/api/auth/sessions",
      undefined,
      login.body.accessToken,
    );
    expect(sessions.body.data).toEqual([
      expect.objectContaining({ location: "Pune, IN", deviceInfo: "flow-test/1.0", current: true }),
    ]);

    const refreshed = await http<{ accessToken: string; refreshToken: string }>("POST", "/api/auth/refresh", {
      refreshToken: login.body.refreshToken,
    });
    expect(refreshed.status).toBe(200);
    expect((await http("GET", "/api/me", undefined, refreshed.body.accessToken)).status).toBe(200);

    const out = await http("POST", "/api/auth/logout", {}, refreshed.body.accessToken);
    expect(out.status).toBe(204);
    expect((await http("GET", "/api/me", undefined, refreshed.body.accessToken)).status).toBe(401);
    expect((await http("POST", "/api/auth/refresh", { refreshToken: refreshed.body.refreshToken })).status).toBe(401);
  });
});
