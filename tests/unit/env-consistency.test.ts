/**
 * lib/env refuses configurations a key rotation or a deploy gets wrong silently. Each case loads a fresh
 * copy of the module over this worker's (valid) test environment with one change.
 */
import { afterEach, describe, expect, it, vi } from "vitest";

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

async function loadWith(changes: Record<string, string | undefined>) {
  for (const [name, value] of Object.entries(changes)) vi.stubEnv(name, value);
  vi.resetModules();
  return import("../../lib/env.js").then(
    (m) => ({ ok: true as const, env: m.env }),
    (e: Error) => ({ ok: false as const, message: e.message }),
  );
}

const JWT_OLD = "previous-jwt-secret-0123456789abcdefghij";
const key = (fill: number) => Buffer.alloc(32, fill).toString("base64");

describe("environment consistency", () => {
  it("accepts the test environment and a proper rotation", async () => {
    expect((await loadWith({})).ok).toBe(true);
    const rotated = await loadWith({
      JWT_KEY_ID: "k2",
      JWT_PREVIOUS_KEY_ID: "k1",
      JWT_PREVIOUS_SECRET: JWT_OLD,
      DATA_ENCRYPTION_KEY_ID: "dek2",
      DATA_ENCRYPTION_PREVIOUS_KEYS: `dek1:${key(1)},dek0:${key(2)}`,
    });
    expect(rotated.ok).toBe(true);
    // Production with TLS (or a local socket) given in DATABASE_URL itself, as mysql2 reads it.
    const prod = { NODE_ENV: "production", NOTIFY_PROVIDER: "msg91", DATABASE_SSL: "false" };
    for (const query of ['ssl={"rejectUnauthorized":true}', "socketPath=/run/mysqld/mysqld.sock"]) {
      const loaded = await loadWith({ ...prod, DATABASE_URL: `mysql://app:pw@db.internal:3306/nexaspay?${query}` });
      expect(loaded.ok ? "" : loaded.message).toBe("");
    }
  });

  it.each([
    [
      "a retired JWT key under the current id",
      { JWT_PREVIOUS_KEY_ID: "k1", JWT_PREVIOUS_SECRET: JWT_OLD },
      "JWT_PREVIOUS_KEY_ID",
    ],
    ["a retired JWT secret without its id", { JWT_PREVIOUS_SECRET: JWT_OLD }, "set together"],
    ["a retired JWT id without its secret", { JWT_PREVIOUS_KEY_ID: "k0" }, "set together"],
    [
      "a retired data key under the current id",
      { DATA_ENCRYPTION_PREVIOUS_KEYS: `dek1:${key(1)}` },
      "DATA_ENCRYPTION_PREVIOUS_KEYS",
    ],
    [
      "two retired data keys under one id",
      { DATA_ENCRYPTION_PREVIOUS_KEYS: `dek0:${key(1)},dek0:${key(2)}` },
      "distinct",
    ],
    [
      "production without TLS to the database",
      {
        NODE_ENV: "production",
        NOTIFY_PROVIDER: "msg91",
        DATABASE_SSL: "false",
        DATABASE_URL: "mysql://app:pw@db.internal:3306/nexaspay",
      },
      "DATABASE_SSL",
    ],
  ])("refuses %s", async (_, changes, named) => {
    const loaded = await loadWith({ JWT_KEY_ID: "k1", DATA_ENCRYPTION_KEY_ID: "dek1", ...changes });
    expect(loaded.ok).toBe(false);
    expect(loaded.ok ? "" : loaded.message).toMatch(/^BAD_ENVIRONMENT/);
    expect(loaded.ok ? "" : loaded.message).toContain(named);
  });
});
