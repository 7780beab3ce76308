/**
 * Log hygiene (reliability-recipes R13, §2.7): every log line written during a full identity flow is
 * captured at debug level through lib/log.ts `tapLogs` and searched for the secrets the flow used;
 * real database errors are logged the way production logs them and searched for their query values.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// Before lib/env is evaluated by the imports below: log everything, as a debugging operator would.
vi.hoisted(() => {
  process.env.LOG_LEVEL = "debug";
});

import { randomInt } from "node:crypto";
import { and, eq, or } from "drizzle-orm";
import * as adminKyc from "../../api/admin/kyc/[userId].js";
import * as logoutRoute from "../../api/auth/logout.js";
import * as meKyc from "../../api/me/kyc.js";
import * as me from "../../api/me.js";
import { auditLogs, users } from "../../db/schema/index.js";
import { db, pool, withTransaction } from "../../lib/db/index.js";
import { AppError } from "../../lib/http/index.js";
import { toErrorResponse } from "../../lib/http/to-error-response.js";
import { logger, tapLogs } from "../../lib/log.js";
import {
  login,
  newAccount,
  outboxCode,
  PASSWORD,
  randomIp,
  refresh,
  register,
  sendOtp,
  verifyOtp,
} from "../api/auth-helpers.js";
import { randomAadhaar, randomPan } from "../api/kyc-helpers.js";
import { createTestUser } from "../helpers/factories.js";
import { call } from "../helpers/request.js";

const lines: string[] = [];
let untap: () => void = () => {};

beforeAll(() => {
  logger.level = "debug";
  untap = tapLogs((line) => lines.push(line));
});

afterAll(async () => {
  untap();
  await pool.end();
});

describe("logs over a full identity flow", () => {
  it("carry no password, token, OTP, PAN or Aadhaar, yet record the flow", async () => {
    const secrets: Record<string, string> = {};
    const ip = randomIp();
    const account = newAccount();
    secrets.password = PASSWORD;
    // Full personal data too (§2.7: phones masked to last 4 if ever logged).
    secrets.phone = account.phone;
    secrets.email = account.email;

    // Register → phone OTP → verify.
    const reg = await register(account, ip);
    expect(reg.status).toBe(201);
    const phoneCode = outboxCode(account.phone, "verify_phone");
    secrets.phoneOtp = phoneCode;
    const wrongCode = String((Number(phoneCode) + 1) % 1e6).padStart(6, "0");
    secrets.wrongOtp = wrongCode;
    expect((await verifyOtp({ destination: account.phone, purpose: "verify_phone", code: wrongCode }, ip)).status).toBe(
      422,
    );
    expect((await verifyOtp({ destination: account.phone, purpose: "verify_phone", code: phoneCode }, ip)).status).toBe(
      200,
    );

    // A failed login, then a good one, then a refresh.
    const wrongPassword = "Wrong-horse-4242";
    secrets.wrongPassword = wrongPassword;
    expect((await login({ identifier: account.username, password: wrongPassword }, ip)).status).toBe(401);
    const pair = await login({ identifier: account.email, password: PASSWORD }, ip);
    expect(pair.status).toBe(200);
    secrets.accessToken = pair.body.accessToken;
    secrets.refreshToken = pair.body.refreshToken;
    const rotated = await refresh(pair.body.refreshToken, ip);
    expect(rotated.status).toBe(200);
    secrets.accessToken2 = rotated.body.accessToken;
    secrets.refreshToken2 = rotated.body.refreshToken;
    // Reusing the old refresh token (a theft signal) must be logged without the token.
    expect((await refresh(pair.body.refreshToken, ip)).status).toBe(401);

    // OTP login.
    expect((await sendOtp({ channel: "sms", destination: account.phone, purpose: "login" }, ip)).status).toBe(202);
    const loginCode = outboxCode(account.phone, "login");
    secrets.loginOtp = loginCode;
    const otpLogin = await verifyOtp({ destination: account.phone, purpose: "login", code: loginCode }, ip);
    expect(otpLogin.status).toBe(200);
    const token = String(otpLogin.body.accessToken);
    secrets.accessToken3 = token;
    secrets.refreshToken3 = String(otpLogin.body.refreshToken);
    expect((await call(me, { path: "/api/me", token, ip })).status).toBe(200);

    // KYC: an invalid submission (validation path), a valid one, an admin decision.
    const pan = randomPan();
    const aadhaar = randomAadhaar();
    secrets.pan = pan;
    secrets.aadhaar = aadhaar;
    secrets.aadhaarSpaced = `${aadhaar.slice(0, 4)} ${aadhaar.slice(4, 8)} ${aadhaar.slice(8)}`;
    const badAadhaar = `${aadhaar.slice(0, 11)}${(Number(aadhaar[11]) + 1) % 10}`;
    secrets.badAadhaar = badAadhaar;
    const kycCall = (body: unknown) => call(meKyc, { method: "POST", path: "/api/me/kyc", token, body, ip });
    expect((await kycCall({ pan, aadhaarNumber: badAadhaar })).status).toBe(400);
    expect((await kycCall({ pan: pan.toLowerCase(), aadhaarNumber: secrets.aadhaarSpaced })).status).toBe(202);
    const userId = Number(reg.body.user.id);
    const admin = await createTestUser({ role: "admin" });
    secrets.adminToken = admin.token;
    const decided = await call(adminKyc, {
      method: "POST",
      path: `/api/admin/kyc/${userId}`,
      query: { userId },
      token: admin.token,
      body: { decision: "verified" },
      ip,
    });
    expect(decided.status).toBe(200);
    expect((await call(logoutRoute, { method: "POST", path: "/api/auth/logout", token, body: {}, ip })).status).toBe(
      204,
    );

    const log = lines.join("");
    // The tap saw the flow (not vacuous): access lines for each step, including the failures.
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const seen = (path: string, status: number) => entries.some((e) => e.path === path && e.status === status);
    expect(seen("/api/auth/register", 201)).toBe(true);
    expect(seen("/api/auth/login", 401)).toBe(true);
    expect(seen("/api/auth/refresh", 401)).toBe(true);
    expect(seen("/api/me/kyc", 400)).toBe(true);
    expect(seen(`/api/admin/kyc/${userId}`, 200)).toBe(true);
    expect(logger.isLevelEnabled("debug")).toBe(true);

    for (const [name, value] of Object.entries(secrets)) {
      expect(value.length, name).toBeGreaterThanOrEqual(6);
      expect(log.includes(value), `${name} appears in the logs`).toBe(false);
    }
    expect(log.toUpperCase().includes(pan)).toBe(false);
    expect(log).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.eyJ/); // any JWT at all
    expect(log).not.toMatch(
      /"(password|newPassword|currentPassword|totp|otp|code|pan|aadhaarNumber)":"(?!\[redacted\])/,
    );

    // The audit trail is a second sink of the same flow: it must not hold secrets either.
    const audit = await db
      .select()
      .from(auditLogs)
      .where(
        or(
          eq(auditLogs.actorUserId, userId),
          and(eq(auditLogs.entityType, "user"), eq(auditLogs.entityId, String(userId))),
        ),
      );
    expect(audit.length).toBeGreaterThanOrEqual(4);
    const trail = JSON.stringify(audit);
    for (const [name, value] of Object.entries(secrets)) {
      if (name === "phone" || name === "email") continue; // personal data may be audited; secrets may not
      expect(trail.includes(value), `${name} appears in audit_logs`).toBe(false);
    }
  });
});

describe("logs of database errors", () => {
  /** Personal data and a password hash, each unique to the call, as register or a password change writes them. */
  function secretRow() {
    const n = String(randomInt(1e8)).padStart(8, "0");
    return {
      email: `secret-pii-${n}@example.com`,
      username: `secret_user_${n}`,
      phone: `98${n}`,
      password: `$2a$10$secretHash${n}secretHash${n}secretHash`,
      fullName: `Secret Person ${n}`,
      userCode: `NXS${n}`,
    };
  }

  /** The lines `run` writes, and the line among them that carries `err`, parsed. */
  async function logged(run: () => Promise<void>) {
    const from = lines.length;
    await run();
    const written = lines.slice(from).join("");
    const withErr = lines.slice(from).map((l) => JSON.parse(l) as { err?: Record<string, unknown> });
    return { written, err: withErr.find((e) => e.err)?.err };
  }

  function expectNoneOf(written: string, row: ReturnType<typeof secretRow>) {
    for (const [name, value] of Object.entries(row)) {
      expect(written.includes(value), `${name} appears in the logs`).toBe(false);
    }
  }

  it("a lock-wait 503 (a password change during a long lock) is logged with code and SQL, without the hash", async () => {
    const user = await createTestUser();
    const row = secretRow();
    const holder = await pool.getConnection();
    let failure: unknown;
    try {
      await holder.query("START TRANSACTION");
      await holder.query("SELECT id FROM users WHERE id = ? FOR UPDATE", [user.id]);
      await withTransaction(
        async ({ tx, conn }) => {
          await conn.query("SET SESSION innodb_lock_wait_timeout = 1");
          try {
            await tx.update(users).set({ password: row.password, email: row.email }).where(eq(users.id, user.id));
          } finally {
            await conn.query("SET SESSION innodb_lock_wait_timeout = DEFAULT");
          }
        },
        { retries: 0 },
      ).catch((error: unknown) => {
        failure = error;
      });
    } finally {
      await holder.query("ROLLBACK");
      holder.release();
    }
    expect(failure).toBeInstanceOf(Error);

    // The production path: the route wrapper hands every thrown value to toErrorResponse.
    const { written, err } = await logged(async () => {
      const response = toErrorResponse(failure, "req_hygiene", logger.child({ requestId: "req_hygiene" }));
      expect(response.status).toBe(503);
    });
    expectNoneOf(written, row);
    expect(err?.type).toBe("DrizzleQueryError");
    const update = "update `users` set `email` = ?, `password` = ? where `users`.`id` = ?";
    expect(err?.message).toBe(`Failed query: ${update}`);
    // mysql2's own `sql` had the values inlined; it is logged with placeholders again.
    expect(err?.cause).toMatchObject({ code: "ER_LOCK_WAIT_TIMEOUT", errno: 1205, sqlState: "HY000", sql: update });
  });

  it("a duplicate key (a registration) logged by background work keeps code, key and SQL, not the values", async () => {
    const row = secretRow();
    await db.insert(users).values(row);
    let failure: unknown;
    await db
      .insert(users)
      .values({ ...row, username: `${row.username}x`, userCode: `${row.userCode}x` })
      .catch((error: unknown) => {
        failure = error;
      });
    expect(failure).toBeInstanceOf(Error);

    // As lib/payments (reconcile, webhook) and after-response log: the raw error, and one wrapped in an AppError.
    const { written, err } = await logged(async () => {
      logger.error({ err: failure }, "background work failed");
      logger.error({ err: new AppError("CONFLICT", "wrapped", { cause: failure }) }, "background work failed");
    });
    expectNoneOf(written, row);
    expect(err?.message).toMatch(/^Failed query: insert into `users` \(/);
    const cause = err?.cause as Record<string, unknown>;
    expect(cause).toMatchObject({ code: "ER_DUP_ENTRY", errno: 1062, sqlState: "23000" });
    expect(cause.message).toMatch(/^Duplicate entry '.+' for key 'users_email_unique'$/);
    expect(written).toContain('"type":"AppError"');
  });

  it("a driver error from a raw mysql2 query (as lib/ledger runs them) keeps its SQL with placeholders only", async () => {
    const row = secretRow();
    await db.insert(users).values(row);
    let failure: unknown;
    await pool
      .query("INSERT INTO users (email, username, phone, password, full_name) VALUES (?, ?, ?, ?, ?)", [
        row.email,
        `${row.username}x`,
        `${row.phone.slice(0, -1)}0`,
        row.password,
        row.fullName,
      ])
      .catch((error: unknown) => {
        failure = error;
      });
    expect(failure).toBeInstanceOf(Error);

    const { written, err } = await logged(async () => {
      logger.error({ err: failure }, "ledger write failed");
    });
    expectNoneOf(written, row);
    // (`code` at the top level is "[redacted]" by REDACT's `*.code`, meant for OTP codes; errno says it.)
    expect(err).toMatchObject({
      errno: 1062,
      sqlState: "23000",
      sql: "INSERT INTO users (email, username, phone, password, full_name) VALUES (?, ?, ?, ?, ?)",
    });
  });

  it("a syntax error, whose message quotes the statement with its values, logged with no message of its own", async () => {
    const row = secretRow();
    let failure: unknown;
    await pool
      .query("SELECT id FROMM users WHERE email = ? AND phone = ?", [row.email, row.phone])
      .catch((error: unknown) => {
        failure = error;
      });
    expect(failure).toBeInstanceOf(Error);
    expect(String((failure as Error).message)).toContain(row.email); // the server's message holds the value

    // Without a message, pino would copy the error's own message into `msg`.
    const { written, err } = await logged(async () => {
      logger.error(failure);
      logger.error({ err: failure });
    });
    expectNoneOf(written, row);
    expect(err).toMatchObject({ errno: 1064, sql: "SELECT id FROMM users WHERE email = ? AND phone = ?" });
    expect(err?.message).toMatch(/near '\[redacted\]' at line 1$/);
  });
});
