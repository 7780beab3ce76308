/**
 * The shared security suite (issue 3 must-show; reliability-recipes §2.1 API1/API2/API5/API9, R10, R11).
 * 1. Inventory: every api/ file and every method it handles is in route-table.ts, and nothing stale is.
 * 2. Authentication: every protected route answers 401 to a missing, forged, `alg: none`, expired,
 *    not-yet-valid, wrong-audience, wrong-issuer, unknown-kid, tampered, wrong-type, revoked-session and
 *    deactivated-user token, while a correctly signed control token passes (so the probes are not vacuous).
 * 3. Authorization: every role outside a route's list gets 403; unhandled methods get 405.
 * 4. Ownership: another user's resource answers 404 (and the owner's own request succeeds).
 */
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { eq } from "drizzle-orm";
import { decodeJwt, type JWTPayload, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessions, users } from "../../db/schema/index.js";
import type { UserRole } from "../../db/schema/users.js";
import { db, pool } from "../../lib/db/index.js";
import { env } from "../../lib/env.js";
import { webhookAuthorization } from "../../lib/phonepe/index.js";
import { discoverRoutes } from "../../scripts/dev-server.js";
import { startTestServer } from "../helpers/dev-server.js";
import { createTestUser, type TestUser } from "../helpers/factories.js";
import { call } from "../helpers/request.js";
import { ANY_USER, type HandledMethod, ROUTES, type RouteSpec, type SampleRequest } from "./route-table.js";

type FunctionModule = Record<string, unknown>;
type ErrorBody = { error?: { code?: string } };

const ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] as const;
const ROLES: readonly UserRole[] = ANY_USER;
const discovered = discoverRoutes().map((r) => ({ file: r.file, path: `/${r.segments.join("/")}` }));
const modules = new Map<string, FunctionModule>();
const key = (method: string, path: string) => `${method} ${path}`;

function moduleFor(path: string): FunctionModule {
  const mod = modules.get(path);
  if (!mod) throw new Error(`no api module for ${path}`);
  return mod;
}

async function invoke(
  method: HandledMethod | "OPTIONS" | "HEAD",
  path: string,
  req: SampleRequest & { token?: string },
) {
  const params = Object.fromEntries(Object.entries(req.params ?? {}).map(([k, v]) => [k, String(v)]));
  const concrete = path.replace(/\[(\w+)\]/g, (_, name: string) => encodeURIComponent(params[name] ?? "0"));
  // biome-ignore lint/suspicious/noExplicitAny: bodies of arbitrary routes are read ad hoc.
  return call<any>(moduleFor(path), {
    method,
    path: concrete,
    query: { ...req.query, ...params },
    body: req.body,
    token: req.token,
    idempotencyKey: req.idempotencyKey,
    headers: req.headers,
  });
}

const users_: Partial<Record<UserRole, TestUser>> = {};
const revoked: Partial<Record<UserRole, TestUser>> = {};
const inactive: Partial<Record<UserRole, TestUser>> = {};
const must = <T>(v: T | undefined): T => {
  if (v === undefined) throw new Error("fixture missing");
  return v;
};

let server: Awaited<ReturnType<typeof startTestServer>> | undefined;

beforeAll(async () => {
  // The PhonePe simulator (a dev mount) must answer the payment routes' outbound calls.
  server = await startTestServer();
  for (const { file, path } of discovered)
    modules.set(path, (await import(pathToFileURL(file).href)) as FunctionModule);
  for (const role of ROLES) {
    users_[role] = await createTestUser({ role });
    const r = await createTestUser({ role });
    await db
      .update(sessions)
      .set({ revokedAt: new Date() })
      .where(eq(sessions.id, String(decodeJwt(r.token).sid)));
    revoked[role] = r;
    const i = await createTestUser({ role });
    await db.update(users).set({ isActive: false }).where(eq(users.id, i.id));
    inactive[role] = i;
  }
});

afterAll(async () => {
  // Some probes (control tokens, owned resources) move money: the ledger must still balance.
  const admin = must(users_.admin);
  const res = await invoke("GET", "/api/admin/ledger/verify", { token: admin.token });
  expect(res.body).toMatchObject({ ok: true, violations: [] });
  await server?.close();
  await pool.end();
});

describe("route inventory", () => {
  it("has no duplicate entries", () => {
    const keys = ROUTES.map((r) => key(r.method, r.path));
    expect(keys.length).toBe(new Set(keys).size);
  });

  it("lists every api/ file and every method it handles, and nothing that does not exist", async () => {
    const actual: string[] = [];
    for (const { path } of discovered) {
      const mod = moduleFor(path);
      // Style rule: every function file exports all seven methods (methods() answers 405 for the rest).
      for (const m of ALL_METHODS) expect(typeof mod[m], `${path} exports ${m}`).toBe("function");
      const res = await invoke("OPTIONS", path, {});
      const allow = res.headers.get("allow");
      expect(allow, `${path} answers OPTIONS with Allow`).toBeTruthy();
      for (const m of (allow ?? "").split(",").map((s) => s.trim())) {
        if (m && m !== "OPTIONS" && m !== "HEAD") actual.push(key(m, path));
      }
    }
    const listed = ROUTES.map((r) => key(r.method, r.path));
    expect(
      actual.filter((k) => !listed.includes(k)),
      "routes missing from tests/security/route-table.ts",
    ).toEqual([]);
    expect(
      listed.filter((k) => !actual.includes(k)),
      "stale entries in route-table.ts",
    ).toEqual([]);
  });

  it("rate limits every route but those whose caller is already bounded", () => {
    // Cron (the CRON_SECRET, a schedule), the PhonePe webhook (PhonePe's credentials) and logout (it ends
    // the session that authorises it). Everything else names a policy of lib/ratelimit/policies.ts.
    const exempt = ["/api/cron/", "/api/webhooks/phonepe", "/api/auth/logout"];
    const unlimited = discovered
      .filter(({ path }) => !exempt.some((e) => path.startsWith(e)))
      .filter(({ file }) => {
        const code = readFileSync(file, "utf8").replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, ""); // not in a comment
        return !/\brateLimit:|\bassertRateLimit\(/.test(code);
      })
      .map(({ path }) => path);
    expect(unlimited).toEqual([]);
  });

  it.each(discovered.map((d) => d.path))(
    "%s answers HEAD as its GET without a body (405 without a GET)",
    async (path) => {
      const allow = (await invoke("OPTIONS", path, {})).headers.get("allow") ?? "";
      const head = await invoke("HEAD", path, {});
      expect(head.text).toBe("");
      if (!allow.split(", ").includes("GET")) {
        expect(head.status).toBe(405);
        return expect(allow.split(", ")).not.toContain("HEAD");
      }
      expect(allow.split(", ")).toContain("HEAD");
      const get = await invoke("GET", path, {});
      expect(head.status).toBe(get.status);
      expect(head.headers.get("content-type")).toBe(get.headers.get("content-type"));
    },
  );

  it.each(discovered.map((d) => d.path))("%s answers an unhandled method with 405 and Allow", async (path) => {
    const allow = (await invoke("OPTIONS", path, {})).headers.get("allow") ?? "";
    const handled = allow.split(",").map((m) => m.trim());
    const other = (["DELETE", "PUT", "PATCH", "POST", "GET"] as const).find((m) => !handled.includes(m));
    if (!other) return expect(handled).toContain("GET");
    const res = await invoke(other, path, {});
    expect(res.status).toBe(405);
    expect((res.body as ErrorBody).error?.code).toBe("METHOD_NOT_ALLOWED");
    expect(res.headers.get("allow")).toBe(allow);
  });
});

// ── token forgery ─────────────────────────────────────────────────────────────────────────────────
const enc = new TextEncoder();
const now = () => Math.floor(Date.now() / 1000);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

type Forge = {
  secret?: string;
  kid?: string;
  iss?: string;
  aud?: string;
  iat?: number;
  exp?: number;
  nbf?: number;
  claims?: Partial<JWTPayload & { role: string; typ: string; sid: string }>;
};

/** Re-signs the caller's real claims with exactly one property changed. */
function forge(caller: TestUser, o: Forge = {}): Promise<string> {
  const real = decodeJwt(caller.token);
  const jwt = new SignJWT({ sid: real.sid, role: real.role, typ: "access", ...o.claims })
    .setProtectedHeader({ alg: "HS256", kid: o.kid ?? env.JWT_KEY_ID, typ: "JWT" })
    .setSubject(String(o.claims?.sub ?? real.sub))
    .setIssuer(o.iss ?? env.JWT_ISSUER)
    .setAudience(o.aud ?? env.JWT_AUDIENCE)
    .setIssuedAt(o.iat ?? now())
    .setExpirationTime(o.exp ?? now() + 600);
  if (o.nbf) jwt.setNotBefore(o.nbf);
  return jwt.sign(enc.encode(o.secret ?? env.JWT_SECRET));
}

type Probe = [
  name: string,
  token: (caller: TestUser, role: UserRole) => Promise<string | undefined> | string | undefined,
];

const PROBES: Probe[] = [
  ["no token", () => undefined],
  ["a malformed bearer value", () => "not-a-jwt"],
  ["a bad signature", (c) => forge(c, { secret: "an-attacker-secret-0123456789abcdefghij" })],
  [
    "alg: none",
    (c) => {
      const [, payload] = c.token.split(".");
      return `${b64({ alg: "none", typ: "JWT", kid: env.JWT_KEY_ID })}.${payload}.`;
    },
  ],
  [
    "alg: none with the original signature",
    (c) => {
      const [, payload, sig] = c.token.split(".");
      return `${b64({ alg: "none", typ: "JWT", kid: env.JWT_KEY_ID })}.${payload}.${sig}`;
    },
  ],
  ["an expired token", (c) => forge(c, { iat: now() - 3600, exp: now() - 60 })],
  ["a not-yet-valid token (nbf)", (c) => forge(c, { nbf: now() + 3600 })],
  ["a wrong audience", (c) => forge(c, { aud: "someone-else" })],
  ["a wrong issuer", (c) => forge(c, { iss: "https://evil.example" })],
  ["an unknown kid", (c) => forge(c, { kid: "unknown-kid" })],
  ["a kid with path characters", (c) => forge(c, { kid: "../../../dev/null" })],
  ["a refresh-typed token", (c) => forge(c, { claims: { typ: "refresh" } })],
  [
    "a tampered payload (role escalated) with the old signature",
    (c) => {
      const [header, payload, sig] = c.token.split(".");
      const claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString());
      return `${header}.${b64({ ...claims, role: "admin", sub: "1" })}.${sig}`;
    },
  ],
  ["another user's id in a session's token", async (c) => forge(c, { claims: { sub: String(c.id + 1_000_000) } })],
  ["a revoked session", (_c, role) => must(revoked[role]).token],
  ["a deactivated user", (_c, role) => must(inactive[role]).token],
];

const protectedRoutes = ROUTES.filter((r): r is RouteSpec & { auth: readonly UserRole[] } => Array.isArray(r.auth));

describe.each(protectedRoutes.map((r) => [key(r.method, r.path), r] as const))("%s", (_name, spec) => {
  const allowedRole = spec.auth[0] as UserRole;
  // A caller of its own per route: the control call may end its session (logout, password change).
  let routeCaller: TestUser | undefined;
  beforeAll(async () => {
    routeCaller = await createTestUser({ role: allowedRole });
  });
  const caller = () => must(routeCaller);
  const request = (token: string | undefined, as: TestUser = caller()) =>
    invoke(spec.method, spec.path, { ...spec.sample?.(as), token });

  // Every forged token carries the caller's live session, so a 401 is due to the one broken property.
  it.each(PROBES)("answers 401 to %s", async (_probe, make) => {
    const res = await request(await make(caller(), allowedRole));
    expect(res.status, JSON.stringify(res.body)).toBe(401);
    expect((res.body as ErrorBody).error?.code).toBe("UNAUTHORIZED");
  });

  const denied = ROLES.filter((r) => !spec.auth.includes(r));
  if (denied.length > 0) {
    it.each(denied)("answers 403 to a %s", async (role) => {
      const user = must(users_[role]);
      const res = await request(user.token, user);
      expect(res.status, JSON.stringify(res.body)).toBe(403);
      expect((res.body as ErrorBody).error?.code).toBe("FORBIDDEN");
    });
  }

  const owned = spec.owned;
  if (owned) {
    it("answers 404 for another user's resource and succeeds for its owner", async () => {
      const role = owned.role ?? allowedRole;
      const [owner, stranger, admin] = [
        await createTestUser({ role }),
        await createTestUser({ role }),
        must(users_.admin),
      ];
      const req = await owned.build({ owner, admin, invoke: (m, p, r) => invoke(m, p, r) });
      const asStranger = await invoke(spec.method, spec.path, { ...req, token: stranger.token });
      expect(asStranger.status, JSON.stringify(asStranger.body)).toBe(404);
      expect((asStranger.body as ErrorBody).error?.code).toBe("NOT_FOUND");
      for (const hint of [owner.userCode, owner.username, owner.phone, owner.email]) {
        expect(asStranger.text).not.toContain(hint);
      }
      const asOwner = await invoke(spec.method, spec.path, { ...req, token: owner.token });
      expect(asOwner.status, JSON.stringify(asOwner.body)).toBe(owned.ownerStatus ?? 200);
    });
  }

  // Last, because it may legitimately end the caller's session.
  it("accepts a correctly signed control token (so the probes above are not vacuous)", async () => {
    const res = await request(await forge(caller()));
    expect(res.status, JSON.stringify(res.body)).not.toBe(401);
    expect(res.status).not.toBe(403);
    expect(res.status).toBeLessThan(500);
  });
});

describe("idempotency keys are scoped to their user (BOLA)", () => {
  it("another user's key with the same body starts a new operation, never replays the first user's response", async () => {
    const [a, b] = [await createTestUser({ role: "customer" }), await createTestUser({ role: "customer" })];
    const key = `shared-${Date.now()}`;
    const body = { amountPaise: 1200 };
    const first = await invoke("POST", "/api/payments/initiate", { token: a.token, body, idempotencyKey: key });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const second = await invoke("POST", "/api/payments/initiate", { token: b.token, body, idempotencyKey: key });
    expect(second.status, JSON.stringify(second.body)).toBe(201);
    expect(second.headers.get("idempotent-replayed")).toBeNull();
    expect(second.body.paymentId).not.toBe(first.body.paymentId);
    expect(second.body.merchantOrderId).not.toBe(first.body.merchantOrderId);
    // And A's own retry is the replay.
    const replay = await invoke("POST", "/api/payments/initiate", { token: a.token, body, idempotencyKey: key });
    expect(replay.body.paymentId).toBe(first.body.paymentId);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
  });
});

const publicRoutes = ROUTES.filter((r) => r.auth === "public");
describe("public routes", () => {
  // The "public" label must be true (not a forgotten auth check hiding behind a 401 nobody probes).
  it.each(publicRoutes.map((r) => [key(r.method, r.path), r] as const))(
    "%s answers without a token",
    async (_name, spec) => {
      const res = await invoke(spec.method, spec.path, { ...spec.sample?.(must(users_.customer)) });
      expect(res.status, JSON.stringify(res.body)).not.toBe(401);
      expect(res.status).not.toBe(403);
      expect(res.status).toBeLessThan(500);
    },
  );
});

/** A route's sample request with only the given Authorization header (cron secret, webhook credentials). */
const sendWithAuthorization = (spec: RouteSpec, authorization?: string) =>
  invoke(spec.method, spec.path, {
    ...spec.sample?.(must(users_.admin)),
    headers: authorization ? { authorization } : {},
  });

const cronRoutes = ROUTES.filter((r) => r.auth === "cron");
describe.each(cronRoutes.map((r) => [key(r.method, r.path), r] as const))("%s (cron)", (_name, spec) => {
  const send = (authorization?: string) => sendWithAuthorization(spec, authorization);

  it("answers 401 without the cron secret, with a wrong one, and with a valid admin user token", async () => {
    for (const authorization of [
      undefined,
      "Bearer not-the-cron-secret-0123456789",
      `Bearer ${must(users_.admin).token}`,
    ]) {
      const res = await send(authorization);
      expect(res.status, String(authorization)).toBe(401);
    }
  });

  it("accepts the cron secret (control)", async () => {
    const res = await send(`Bearer ${env.CRON_SECRET}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  });
});

const webhookRoutes = ROUTES.filter((r) => r.auth === "webhook");
describe.each(webhookRoutes.map((r) => [key(r.method, r.path), r] as const))("%s (webhook)", (_name, spec) => {
  const send = (authorization?: string) => sendWithAuthorization(spec, authorization);
  const good = webhookAuthorization(env.PHONEPE_WEBHOOK_USERNAME, env.PHONEPE_WEBHOOK_PASSWORD);

  it("answers 401 to a missing, forged or user-token Authorization", async () => {
    const forged = webhookAuthorization(env.PHONEPE_WEBHOOK_USERNAME, "guessed-password");
    for (const authorization of [undefined, forged, `Bearer ${must(users_.admin).token}`, `${good}x`]) {
      const res = await send(authorization);
      expect(res.status, String(authorization)).toBe(401);
    }
  });

  it("accepts PhonePe's Authorization (control)", async () => {
    const res = await send(good);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  });
});
