/** With the database unreachable, health answers 503 `degraded` instead of failing. */
import { describe, expect, it } from "vitest";
import { freePort } from "../../scripts/local/free-port.js";
import { call } from "../helpers/request.js";

describe("GET /api/health with the database down", () => {
  it("answers 503 with status degraded", async () => {
    // A port nobody listens on: this file gets its own module graph, so lib/env reads this URL.
    process.env.DATABASE_URL = `mysql://root@127.0.0.1:${await freePort()}/nowhere`;
    const health = await import("../../api/health.js");
    const res = await call(health, { path: "/api/health" });
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ status: "degraded", db: "down", redis: "ok" });
  });
});
