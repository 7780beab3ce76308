/**
 * With Redis unreachable, the auth and OTP endpoints fail CLOSED (503) instead of skipping their rate
 * limits — otherwise an outage would open the door to unlimited password and OTP guessing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../scripts/local/free-port.js";
import { call } from "../helpers/request.js";

type Mod = Record<string, unknown>;
const routes: Record<string, Mod> = {};

beforeAll(async () => {
  // A port nobody listens on: this file has its own module graph, so lib/redis is built with it.
  process.env.UPSTASH_REDIS_REST_URL = `http://127.0.0.1:${await freePort()}`;
  routes.login = await import("../../api/auth/login.js");
  routes.register = await import("../../api/auth/register.js");
  routes.refresh = await import("../../api/auth/refresh.js");
  routes.otpSend = await import("../../api/auth/otp/send.js");
  routes.otpVerify = await import("../../api/auth/otp/verify.js");
  routes.reset = await import("../../api/auth/password/reset.js");
});

afterAll(async () => (await import("../../lib/db/index.js")).pool.end());

describe("identity endpoints with Redis down", () => {
  it.each([
    ["login", "/api/auth/login", { identifier: "someone@example.in", password: "Whatever-pass-1" }],
    ["otpSend", "/api/auth/otp/send", { channel: "sms", destination: "9876543210", purpose: "login" }],
    ["otpVerify", "/api/auth/otp/verify", { destination: "9876543210", purpose: "login", code: "123456" }],
    [
      "register",
      "/api/auth/register",
      { fullName: "A B", email: "a@b.in", phone: "9876543210", username: "abc", password: "Long-enough-1" },
    ],
    ["refresh", "/api/auth/refresh", { refreshToken: "nxr_x" }],
    ["reset", "/api/auth/password/reset", { resetToken: "x", newPassword: "Long-enough-1" }],
  ])("%s answers 503 SERVICE_UNAVAILABLE with Retry-After", async (name, path, body) => {
    const started = Date.now();
    const res = await call<{ error: { code: string } }>(routes[name] as Mod, { method: "POST", path, body });
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe("SERVICE_UNAVAILABLE");
    expect(res.headers.get("retry-after")).toBeTruthy();
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
