import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError, json, methods } from "../../lib/http/index.js";
import { call } from "../helpers/request.js";

type ErrorBody = {
  error: { code: string; message: string; requestId: string; details?: { path: string; message: string }[] };
};

const echo = methods({
  POST: async (ctx) => {
    const body = await ctx.json(z.object({ name: z.string().min(1), amountPaise: z.number().int() }).strict());
    return json({ received: body }, 201);
  },
  GET: (ctx) => {
    const q = ctx.searchParams(z.object({ id: z.coerce.number().int().positive() }).strict());
    if (q.id === 13) throw new Error("secret internal detail: password=hunter2 at db.example:3306");
    if (q.id === 42) throw new AppError("RATE_LIMITED", "Slow down.", { headers: { "retry-after": "7" } });
    return json({ id: q.id });
  },
  PUT: (ctx) => json({ key: ctx.idempotencyKey() }),
});

function expectError(res: { status: number; headers: Headers; body: unknown }, status: number, code: string) {
  const body = res.body as ErrorBody;
  expect(res.status).toBe(status);
  expect(body.error.code).toBe(code);
  expect(body.error.requestId).toMatch(/^req_/);
  expect(res.headers.get("x-request-id")).toBe(body.error.requestId);
  return body.error;
}

describe("route wrapper and error funnel", () => {
  it("accepts a valid body and tags the response with a request id", async () => {
    const res = await call(echo, { method: "POST", body: { name: "a", amountPaise: 100 } });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ received: { name: "a", amountPaise: 100 } });
    expect(res.headers.get("x-request-id")).toMatch(/^req_/);
  });

  it("answers invalid JSON with 400 BAD_REQUEST", async () => {
    const res = await call(echo, { method: "POST", rawBody: '{"name": "a",' });
    expectError(res, 400, "BAD_REQUEST");
  });

  it("rejects unknown fields (mass assignment) with VALIDATION_FAILED naming each field", async () => {
    const res = await call(echo, {
      method: "POST",
      body: { name: "a", amountPaise: 1, role: "admin", walletBalance: 5 },
    });
    const error = expectError(res, 400, "VALIDATION_FAILED");
    expect(error.details?.map((d) => d.path).sort()).toEqual(["role", "walletBalance"]);
  });

  it("reports field paths of schema violations", async () => {
    const res = await call(echo, { method: "POST", body: { name: "", amountPaise: 1.5 } });
    const error = expectError(res, 400, "VALIDATION_FAILED");
    expect(error.details?.map((d) => d.path).sort()).toEqual(["amountPaise", "name"]);
  });

  it("rejects non-JSON content types and oversized bodies", async () => {
    const form = await call(echo, { method: "POST", rawBody: "a=b", headers: { "content-type": "text/plain" } });
    expectError(form, 415, "UNSUPPORTED_MEDIA_TYPE");
    const big = await call(echo, { method: "POST", body: { name: "x".repeat(70_000), amountPaise: 1 } });
    expectError(big, 413, "PAYLOAD_TOO_LARGE");
  });

  it("refuses a chunked body without Content-Length once it passes the limit, without reading the rest", async () => {
    let pulled = 0;
    const chunk = new TextEncoder().encode(`{"name":"${"x".repeat(16_000)}`);
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(chunk); // 16 kB a pull, never ending: a client streaming a huge body
      },
    });
    const request = new Request("http://127.0.0.1/api/echo", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: endless,
      duplex: "half",
    } as RequestInit);
    const res = await (echo.POST as (r: Request) => Promise<Response>)(request);
    expect(res.status).toBe(413);
    expect(((await res.json()) as ErrorBody).error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(pulled).toBeLessThan(10); // stopped at ~64 kB, not read to the end (which never comes)
  });

  it("answers a wrong method with 405 METHOD_NOT_ALLOWED and Allow", async () => {
    const res = await call(echo, { method: "DELETE" });
    expectError(res, 405, "METHOD_NOT_ALLOWED");
    expect(res.headers.get("allow")).toBe("POST, GET, PUT, HEAD, OPTIONS");
  });

  it("validates the query string strictly", async () => {
    expectError(await call(echo, { query: { id: "abc" } }), 400, "VALIDATION_FAILED");
    expectError(await call(echo, { query: { id: 1, extra: "x" } }), 400, "VALIDATION_FAILED");
    expect((await call(echo, { query: { id: 5 } })).body).toEqual({ id: 5 });
  });

  it("never leaks internals in a 500", async () => {
    const res = await call(echo, { query: { id: 13 } });
    const error = expectError(res, 500, "INTERNAL");
    expect(res.text).not.toContain("hunter2");
    expect(res.text).not.toContain("db.example");
    expect(error.message).toContain("request id");
  });

  it("passes AppError headers through (Retry-After)", async () => {
    const res = await call(echo, { query: { id: 42 } });
    expectError(res, 429, "RATE_LIMITED");
    expect(res.headers.get("retry-after")).toBe("7");
  });

  it("requires a well-formed Idempotency-Key where asked", async () => {
    expectError(await call(echo, { method: "PUT" }), 400, "BAD_REQUEST");
    expectError(await call(echo, { method: "PUT", idempotencyKey: "x".repeat(256) }), 400, "BAD_REQUEST");
    expect((await call(echo, { method: "PUT", idempotencyKey: "key-1" })).body).toEqual({ key: "key-1" });
  });

  it("answers CORS preflight for configured origins only", async () => {
    const ok = await call(echo, { method: "OPTIONS", headers: { origin: "http://frontend.test" } });
    expect(ok.status).toBe(204);
    expect(ok.headers.get("access-control-allow-origin")).toBe("http://frontend.test");
    expect(ok.headers.get("access-control-allow-headers")).toContain("Idempotency-Key");
    const evil = await call(echo, { method: "OPTIONS", headers: { origin: "https://evil.example" } });
    expect(evil.headers.get("access-control-allow-origin")).toBeNull();
    const simple = await call(echo, { query: { id: 1 }, headers: { origin: "http://frontend.test" } });
    expect(simple.headers.get("access-control-allow-origin")).toBe("http://frontend.test");
    const exposed = simple.headers.get("access-control-expose-headers")?.split(/,\s*/) ?? [];
    expect(exposed).toEqual(
      expect.arrayContaining(["Retry-After", "Idempotent-Replayed", "Content-Disposition", "X-Statement-Lines"]),
    );
  });
});
