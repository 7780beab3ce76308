/**
 * The MSG91 adapter against a local stub that speaks MSG91's HTTP API on 127.0.0.1 (Flow SMS
 * `POST /api/v5/flow`, e-mail `POST /api/v5/email/send`, `authkey` header, JSON `{type, message}`),
 * then the whole registration → SMS → verify path with NOTIFY_PROVIDER=msg91 configured by env.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { and, eq, like } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { auditLogs, users } from "../../db/schema/index.js";
import { freePort } from "../../scripts/local/free-port.js";
import { call } from "../helpers/request.js";

// lib/ reads the environment on import, and the stub's address is only known in beforeAll: import late.
const afterResponseSettled = async () => (await import("../../lib/after-response.js")).afterResponseSettled();

type Received = { method: string; path: string; headers: IncomingMessage["headers"]; body: Record<string, unknown> };
const AUTH_KEY = "stub-authkey-123";
let received: Received[] = [];
let reply: { status: number; body: unknown; delayMs?: number } = {
  status: 200,
  body: { type: "success", message: "3663" },
};
/** While set, the stub holds every answer until it resolves (a provider that has not answered yet). */
let gate: Promise<void> | null = null;
let server: Server;
let baseUrl: string;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let data = "";
    req.on("data", (c) => {
      data += c;
    });
    req.on("end", () => resolve(data));
  });
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const text = await readBody(req);
    received.push({
      method: req.method ?? "",
      path: req.url ?? "",
      headers: req.headers,
      body: JSON.parse(text || "{}"),
    });
    if (req.headers.authkey !== AUTH_KEY) {
      res
        .writeHead(401, { "content-type": "application/json" })
        .end(JSON.stringify({ type: "error", message: "Invalid authkey" }));
      return;
    }
    await gate;
    setTimeout(() => {
      res.writeHead(reply.status, { "content-type": "application/json" }).end(JSON.stringify(reply.body));
    }, reply.delayMs ?? 0);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  Object.assign(process.env, {
    NOTIFY_PROVIDER: "msg91",
    MSG91_BASE_URL: baseUrl,
    MSG91_AUTH_KEY: AUTH_KEY,
    MSG91_OTP_TEMPLATE_ID: "tmpl-otp-1",
    MSG91_EMAIL_TEMPLATE_ID: "tmpl-mail-1",
    MSG91_EMAIL_DOMAIN: "mail.nexaspay.example",
    MSG91_EMAIL_FROM: "no-reply@mail.nexaspay.example",
  });
});

beforeEach(() => {
  received = [];
  gate = null;
  reply = { status: 200, body: { type: "success", message: "3663" } };
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  (await import("../../lib/db/index.js")).pool.end();
});

const message = {
  channel: "sms" as const,
  to: "9876543210",
  purpose: "login",
  body: "123456 is your code",
  variables: { otp: "123456" },
};

describe("createMsg91Notifier", () => {
  const notifier = async (overrides: Record<string, unknown> = {}) => {
    const { createMsg91Notifier } = await import("../../lib/notify/index.js");
    return createMsg91Notifier({
      baseUrl,
      authKey: AUTH_KEY,
      otpTemplateId: "tmpl-otp-1",
      emailTemplateId: "tmpl-mail-1",
      emailDomain: "mail.nexaspay.example",
      emailFrom: "no-reply@mail.nexaspay.example",
      timeoutMs: 500,
      ...overrides,
    });
  };

  it("sends an SMS through the Flow API with the authkey header, template and 91-prefixed number", async () => {
    await (await notifier()).send(message);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      method: "POST",
      path: "/api/v5/flow",
      body: { template_id: "tmpl-otp-1", short_url: "0", recipients: [{ mobiles: "919876543210", otp: "123456" }] },
    });
    expect(received[0]?.headers["content-type"]).toBe("application/json");
  });

  it("sends an e-mail through /api/v5/email/send with domain, from and template variables", async () => {
    await (await notifier()).send({ ...message, channel: "email", to: "asha@example.in" });
    expect(received[0]).toMatchObject({
      path: "/api/v5/email/send",
      body: {
        recipients: [{ to: [{ email: "asha@example.in" }], variables: { otp: "123456", purpose: "login" } }],
        from: { email: "no-reply@mail.nexaspay.example" },
        domain: "mail.nexaspay.example",
        template_id: "tmpl-mail-1",
      },
    });
  });

  it.each([
    ["a 200 with type error", { status: 200, body: { type: "error", message: "Template not approved" } }],
    ["an HTTP 500", { status: 500, body: { type: "error", message: "oops" } }],
    ["a slow answer (timeout)", { status: 200, body: { type: "success" }, delayMs: 1500 }],
  ])("throws Msg91Error on %s, without the OTP in the message", async (_name, r) => {
    reply = r;
    const error = await (await notifier()).send(message).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe("Msg91Error");
    expect((error as Error).message).not.toContain("123456");
  });

  it("throws on a wrong auth key and when MSG91 is unreachable", async () => {
    expect(await (await notifier({ authKey: "wrong" })).send(message).catch((e: Error) => e.name)).toBe("Msg91Error");
    const dead = await notifier({ baseUrl: `http://127.0.0.1:${await freePort()}` });
    expect(await dead.send(message).catch((e: Error) => e.name)).toBe("Msg91Error");
  });
});

/** A new account through the API (MSG91 gets its verify_phone SMS); `tag` keeps phone and names unique. */
async function registerAccount(tag: string, ip: string): Promise<{ phone: string; userId: number }> {
  const register = await import("../../api/auth/register.js");
  const phone = `8${String(Date.now() + tag.charCodeAt(0)).slice(-9)}`;
  const res = await call<{ user: { id: number } }>(register, {
    method: "POST",
    path: "/api/auth/register",
    ip,
    body: {
      fullName: "Msg Ninety",
      email: `${tag}${phone}@example.in`,
      phone,
      username: `${tag}${phone}`,
      password: "Stub-test-pass-1",
    },
  });
  expect(res.status).toBe(201);
  return { phone, userId: res.body.user.id };
}

async function sendLoginOtp(phone: string, ip: string) {
  // Login codes go only to a verified number: this one is, as if its verify_phone code had been used.
  const { db } = await import("../../lib/db/index.js");
  await db.update(users).set({ phoneVerified: true }).where(eq(users.phone, phone));
  const send = await import("../../api/auth/otp/send.js");
  return call(send, {
    method: "POST",
    path: "/api/auth/otp/send",
    ip,
    body: { channel: "sms", destination: phone, purpose: "login" },
  });
}

describe("NOTIFY_PROVIDER=msg91 end to end", () => {
  it("registration sends the OTP through MSG91 and that code verifies the phone", async () => {
    const verify = await import("../../api/auth/otp/verify.js");
    const { phone } = await registerAccount("m", "10.9.9.9");
    const sms = received.find((r) => r.path === "/api/v5/flow");
    const recipient = ((sms?.body.recipients ?? []) as { mobiles: string; otp: string }[])[0];
    expect(recipient?.mobiles).toBe(`91${phone}`);
    expect(recipient?.otp).toMatch(/^\d{6}$/);
    const ok = await call(verify, {
      method: "POST",
      path: "/api/auth/otp/verify",
      ip: "10.9.9.9",
      body: { destination: phone, purpose: "verify_phone", code: recipient?.otp },
    });
    expect(ok.status).toBe(200);
  });

  it("a refused SMS does not change the 202 of otp/send (no enumeration through errors)", async () => {
    const { phone } = await registerAccount("n", "10.9.9.8");
    reply = { status: 500, body: { type: "error", message: "down" } };
    const res = await sendLoginOtp(phone, "10.9.9.8");
    expect(res.status).toBe(202);
    await afterResponseSettled();
    expect(received.filter((r) => r.path === "/api/v5/flow").length).toBeGreaterThanOrEqual(2);
  });

  it("otp/send answers before the provider does, so its timing does not tell a registered number apart", async () => {
    const { db } = await import("../../lib/db/index.js");
    const { phone, userId } = await registerAccount("t", "10.9.9.7");
    await afterResponseSettled();
    const otpAudit = async () =>
      (
        await db
          .select({ action: auditLogs.action })
          .from(auditLogs)
          .where(and(eq(auditLogs.entityId, String(userId)), like(auditLogs.action, "otp.%")))
      ).map((r) => r.action);
    const before = await otpAudit();
    let release = () => {};
    gate = new Promise<void>((r) => {
      release = r;
    });
    const res = await sendLoginOtp(phone, "10.9.9.7");
    // Answered while MSG91 still holds its reply: the provider call is not on the response path.
    expect(res.status).toBe(202);
    expect(await otpAudit()).toEqual(before);
    release();
    await afterResponseSettled();
    expect(await otpAudit()).toEqual([...before, "otp.sent"]);
    expect(received.filter((r) => r.path === "/api/v5/flow").at(-1)?.body).toMatchObject({
      recipients: [{ mobiles: `91${phone}` }],
    });
  });
});
