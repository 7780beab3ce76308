/** Builders for identity tests: fresh registration data, unique client IPs, and calls to the auth routes. */
import { randomInt } from "node:crypto";
import * as loginRoute from "../../api/auth/login.js";
import * as otpSend from "../../api/auth/otp/send.js";
import * as otpVerify from "../../api/auth/otp/verify.js";
import * as refreshRoute from "../../api/auth/refresh.js";
import * as registerRoute from "../../api/auth/register.js";
import { afterResponseSettled } from "../../lib/after-response.js";
import { latestOtp } from "../../lib/notify/index.js";
import { call } from "../helpers/request.js";

export type ApiError = { error: { code: string; message: string; details?: { path: string; message: string }[] } };
export type Pair = { accessToken: string; refreshToken: string; expiresIn: number; user: { id: number } };

export const PASSWORD = "Correct-horse-42";

/** A fresh TEST-NET/private IP, so per-IP limits of one test never touch another's. */
export const randomIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

let seq = 0;
/** Registration fields nobody else uses (the phone is 10 digits starting 6-9). */
export function newAccount(overrides: Record<string, unknown> = {}) {
  seq++;
  const n = `${randomInt(1_000_000)}`.padStart(6, "0") + String(seq % 100).padStart(2, "0");
  return {
    fullName: "Priya Sharma",
    email: `priya.${n}@example.in`,
    phone: `7${n}${randomInt(10)}`,
    username: `priya_${n}`,
    password: PASSWORD,
    ...overrides,
  };
}

export const register = (body: unknown, ip = randomIp()) =>
  call<{ user: Record<string, unknown> } & ApiError>(registerRoute, {
    method: "POST",
    path: "/api/auth/register",
    body,
    ip,
  });

export const login = (body: unknown, ip = randomIp(), headers?: Record<string, string>) =>
  call<Pair & ApiError>(loginRoute, { method: "POST", path: "/api/auth/login", body, ip, headers });

export const refresh = (refreshToken: string, ip = randomIp()) =>
  call<Pair & ApiError>(refreshRoute, { method: "POST", path: "/api/auth/refresh", body: { refreshToken }, ip });

/** Answers once the code is delivered too (it is sent after the response), so the outbox has it. */
export async function sendOtp(body: unknown, ip = randomIp()) {
  const res = await call<ApiError>(otpSend, { method: "POST", path: "/api/auth/otp/send", body, ip });
  await afterResponseSettled();
  return res;
}

export const verifyOtp = (body: unknown, ip = randomIp()) =>
  call<Record<string, unknown> & ApiError>(otpVerify, { method: "POST", path: "/api/auth/otp/verify", body, ip });

/** The code most recently captured by the dev outbox for a destination (and purpose). */
export function outboxCode(to: string, purpose?: string): string {
  const code = latestOtp(to, purpose);
  if (!code) throw new Error(`no OTP captured for ${to}`);
  return code;
}

/** A 6-digit code guaranteed to differ from `code`. */
export const wrongCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, "0");
