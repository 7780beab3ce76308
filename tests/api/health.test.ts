import { afterAll, describe, expect, it } from "vitest";
import * as health from "../../api/health.js";
import { pool } from "../../lib/db/index.js";
import { call } from "../helpers/request.js";

afterAll(() => pool.end());

describe("GET /api/health", () => {
  it("reports the database and Redis as up", async () => {
    const res = await call(health, { path: "/api/health" });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "ok", db: "ok", redis: "ok", version: expect.any(String) });
  });

  it("answers 405 with a JSON error for POST", async () => {
    const res = await call(health, { method: "POST", path: "/api/health" });
    expect(res.status).toBe(405);
    expect((res.body as { error: { code: string } }).error.code).toBe("METHOD_NOT_ALLOWED");
  });
});
