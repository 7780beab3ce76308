/**
 * EVERY route of `api/`, with who may call it and how to build a plausible request. The security
 * suite (routes.test.ts) fails when a file or a handled method is missing here, and runs the 401/403
 * probes against every protected entry and the 404 probe against every entry with `owned`.
 *
 * To add a route: one entry per handled method. `sample` only needs to get past routing (path params,
 * an Idempotency-Key for 💰 routes); auth is checked before the body, so bodies can be minimal.
 * If the route reads a row that belongs to a user, add `owned`: create the row for `owner` through
 * the API and return the request that reads/changes it; the suite expects `ownerStatus` for the owner
 * and 404 for a stranger of the same role.
 */
import { randomUUID } from "node:crypto";
import { decodeJwt } from "jose";
import type { UserRole } from "../../db/schema/users.js";
import { randomAadhaar, randomPan } from "../api/kyc-helpers.js";
import type { TestUser } from "../helpers/factories.js";

export type HandledMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export type SampleRequest = {
  /** Values of the `[param]` segments (also sent as query parameters, as Vercel does). */
  params?: Record<string, string | number>;
  query?: Record<string, string | number>;
  body?: unknown;
  idempotencyKey?: string;
  headers?: Record<string, string>;
};

/** Helpers an `owned` builder may use to create the owner's resource through the API. */
export type OwnedContext = {
  owner: TestUser;
  admin: TestUser;
  /** Calls another route of the table in-process and returns status + JSON body. */
  invoke(
    method: HandledMethod,
    path: string,
    request: SampleRequest & { token: string },
    // biome-ignore lint/suspicious/noExplicitAny: response bodies of arbitrary routes are read ad hoc.
  ): Promise<{ status: number; body: any }>;
};

export type RouteSpec = {
  method: HandledMethod;
  /** The file's URL with `[param]` segments, exactly as discoverRoutes() derives it. */
  path: string;
  /**
   * `"public"`: no user token (probes skipped). `"cron"`: `Authorization: Bearer CRON_SECRET` (user
   * tokens must NOT work). `"webhook"`: provider-authenticated. A role list: requireUser with those roles.
   */
  auth: "public" | "cron" | "webhook" | readonly UserRole[];
  sample?: (caller: TestUser) => SampleRequest;
  owned?: {
    /** Role of owner and stranger (default: the first allowed role). */
    role?: UserRole;
    ownerStatus?: number;
    build(ctx: OwnedContext): Promise<SampleRequest>;
  };
};

export const ANY_USER: readonly UserRole[] = ["customer", "retailer", "distributor", "admin"];
export const ADMIN: readonly UserRole[] = ["admin"];
export const DISTRIBUTOR: readonly UserRole[] = ["distributor"];

const idem = () => ({ idempotencyKey: `sec-${randomUUID()}` });

/** The session id inside a user's access token (a `[id]` of /api/auth/sessions). */
const sessionIdOf = (user: TestUser) => String(decodeJwt(user.token).sid);
const NO_SUCH_ID = 2_000_000_000;

export const ROUTES: RouteSpec[] = [
  // ── ops ───────────────────────────────────────────────────────────────────────────────────────
  { method: "GET", path: "/api/health", auth: "public" },

  // ── identity: auth (issue 3) ─────────────────────────────────────────────────────────────────────
  { method: "POST", path: "/api/auth/register", auth: "public" },
  { method: "POST", path: "/api/auth/otp/send", auth: "public" },
  { method: "POST", path: "/api/auth/otp/verify", auth: "public" },
  { method: "POST", path: "/api/auth/login", auth: "public" },
  { method: "POST", path: "/api/auth/refresh", auth: "public" },
  { method: "POST", path: "/api/auth/password/reset", auth: "public" },
  { method: "POST", path: "/api/auth/logout", auth: ANY_USER, sample: () => ({ body: {} }) },
  { method: "GET", path: "/api/auth/sessions", auth: ANY_USER },
  {
    method: "DELETE",
    path: "/api/auth/sessions/[id]",
    auth: ANY_USER,
    sample: (caller) => ({ params: { id: sessionIdOf(caller) } }),
    owned: {
      role: "customer",
      ownerStatus: 204,
      build: async ({ owner }) => ({ params: { id: sessionIdOf(owner) } }),
    },
  },
  { method: "POST", path: "/api/auth/2fa/setup", auth: ANY_USER },
  { method: "POST", path: "/api/auth/2fa/enable", auth: ANY_USER, sample: () => ({ body: { code: "000000" } }) },
  {
    method: "POST",
    path: "/api/auth/2fa/disable",
    auth: ANY_USER,
    sample: () => ({ body: { code: "000000", password: "Wrong-password-123" } }),
  },
  {
    method: "POST",
    path: "/api/auth/password/change",
    auth: ANY_USER,
    sample: () => ({ body: { currentPassword: "Wrong-password-123", newPassword: "Another-password-456" } }),
  },

  // ── identity: profile, KYC, downline (issue 3) ──────────────────────────────────────────────────
  { method: "GET", path: "/api/me", auth: ANY_USER },
  { method: "PATCH", path: "/api/me", auth: ANY_USER, sample: () => ({ body: { fullName: "Security Suite" } }) },
  { method: "GET", path: "/api/me/kyc", auth: ANY_USER },
  {
    method: "POST",
    path: "/api/me/kyc",
    auth: ANY_USER,
    sample: () => ({ body: { pan: randomPan(), aadhaarNumber: randomAadhaar() } }),
  },
  { method: "GET", path: "/api/me/downline", auth: DISTRIBUTOR },
  { method: "GET", path: "/api/me/limits", auth: ANY_USER },

  // ── admin ──────────────────────────────────────────────────────────────────────────────────────
  { method: "GET", path: "/api/admin/audit-logs", auth: ADMIN },
  { method: "GET", path: "/api/admin/kyc/[userId]", auth: ADMIN, sample: () => ({ params: { userId: NO_SUCH_ID } }) },
  {
    method: "POST",
    path: "/api/admin/kyc/[userId]",
    auth: ADMIN,
    sample: () => ({ params: { userId: NO_SUCH_ID }, body: { decision: "rejected", reason: "security suite" } }),
  },
  { method: "GET", path: "/api/admin/ledger/verify", auth: ADMIN },
  {
    method: "POST",
    path: "/api/admin/ledger/acknowledge",
    auth: ADMIN,
    sample: () => ({ body: { through: new Date().toISOString(), note: "security suite probe" } }),
  },
  {
    method: "POST",
    path: "/api/admin/wallets/[userId]/adjustments",
    auth: ADMIN,
    sample: () => ({
      params: { userId: NO_SUCH_ID },
      body: { direction: "credit", amountPaise: 100, reason: "security suite" },
      ...idem(),
    }),
  },
  {
    method: "POST",
    path: "/api/admin/payments/[id]/refund",
    auth: ADMIN,
    sample: () => ({ params: { id: NO_SUCH_ID }, body: { amountPaise: 100, reason: "security suite" }, ...idem() }),
  },

  // ── wallet (issue: ledger) ─────────────────────────────────────────────────────────────────────
  { method: "GET", path: "/api/wallet/balance", auth: ANY_USER },
  { method: "GET", path: "/api/wallet/statement", auth: ANY_USER },
  { method: "GET", path: "/api/wallet/transactions", auth: ANY_USER },
  {
    method: "GET",
    path: "/api/wallet/transactions/[id]",
    auth: ANY_USER,
    sample: () => ({ params: { id: NO_SUCH_ID } }),
    owned: {
      role: "customer",
      async build({ owner, admin, invoke }) {
        // A real ledger line of the owner, made through the admin adjustment route (lib/ledger).
        const res = await invoke("POST", "/api/admin/wallets/[userId]/adjustments", {
          token: admin.token,
          params: { userId: owner.id },
          body: { direction: "credit", amountPaise: 500, reason: "security suite owned line" },
          ...idem(),
        });
        if (res.status !== 201) throw new Error(`adjustment failed: ${res.status} ${JSON.stringify(res.body)}`);
        return { params: { id: res.body.transaction.id } };
      },
    },
  },
  {
    method: "POST",
    path: "/api/wallet/transfers",
    auth: ANY_USER,
    sample: () => ({ body: { recipient: "nobody_security_suite", amountPaise: 100 }, ...idem() }),
  },

  // ── PhonePe (issue: phonepe) ───────────────────────────────────────────────────────────────────
  {
    method: "POST",
    path: "/api/payments/initiate",
    auth: ANY_USER,
    sample: () => ({ body: { amountPaise: 100 }, ...idem() }),
  },
  {
    method: "GET",
    path: "/api/payments/[id]",
    auth: ANY_USER,
    sample: () => ({ params: { id: NO_SUCH_ID } }),
    owned: {
      role: "customer",
      async build({ owner, invoke }) {
        const res = await invoke("POST", "/api/payments/initiate", {
          token: owner.token,
          body: { amountPaise: 1000 },
          ...idem(),
        });
        if (res.status !== 201) throw new Error(`initiate failed: ${res.status} ${JSON.stringify(res.body)}`);
        return { params: { id: res.body.paymentId } };
      },
    },
  },
  { method: "GET", path: "/api/payments/return", auth: "public" },
  {
    method: "POST",
    path: "/api/webhooks/phonepe",
    auth: "webhook",
    sample: () => ({
      body: {
        event: "checkout.order.completed",
        payload: { merchantOrderId: "SEC_SUITE_UNKNOWN", state: "COMPLETED" },
      },
    }),
  },
  { method: "GET", path: "/api/cron/reconcile-payments", auth: "cron" },
  { method: "GET", path: "/api/cron/sweep-expired", auth: "cron" },
  { method: "GET", path: "/api/cron/verify-ledger", auth: "cron" },
];
