/**
 * The Upstash transport between lib/redis and the real bridge, through a loopback proxy that can
 * (a) run a command on Redis and then drop the connection without answering — the transport retries,
 * so the command runs twice — (b) run it and answer only after the transport timed out (no retry),
 * and (c) answer an error. This file's module graph builds lib/redis
 * against the proxy.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const upstream = process.env.UPSTASH_REDIS_REST_URL as string;
/** What the proxy does with the next request whose body contains `marker`. */
let fault: { marker: string; action: "run-then-drop" | "run-then-stall" | "answer-401" } | null = null;
const seen: string[] = [];

async function forward(req: IncomingMessage, res: ServerResponse) {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks).toString();
  seen.push(body);
  const hit = fault && body.includes(fault.marker) ? fault : null;
  if (hit) fault = null;
  if (hit?.action === "answer-401") {
    res.writeHead(401, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: "WRONGPASS invalid or missing auth token" }));
    return;
  }
  const answer = await fetch(`${upstream.replace(/\/$/, "")}${req.url}`, {
    method: "POST",
    headers: { authorization: String(req.headers.authorization), "content-type": "application/json" },
    body,
  });
  const text = await answer.text();
  if (hit?.action === "run-then-drop") {
    req.socket.destroy(); // it ran; the answer is lost
    return;
  }
  if (hit?.action === "run-then-stall") {
    // It ran; the answer comes after the transport's 3 s timeout (which is not retried).
    await new Promise((r) => setTimeout(r, 3_500));
    req.socket.destroy();
    return;
  }
  res.writeHead(answer.status, { "content-type": "application/json" });
  res.end(text);
}

const proxy = createServer((req, res) => {
  forward(req, res).catch(() => req.socket.destroy());
});

type Lib = {
  afterResponseSettled: typeof import("../../lib/after-response.js").afterResponseSettled;
  withIdempotency: typeof import("../../lib/idempotency/index.js").withIdempotency;
  redis: typeof import("../../lib/redis.js").redis;
};
let lib: Lib;

beforeAll(async () => {
  await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
  process.env.UPSTASH_REDIS_REST_URL = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  const [{ withIdempotency }, { redis }, { afterResponseSettled }] = await Promise.all([
    import("../../lib/idempotency/index.js"),
    import("../../lib/redis.js"),
    import("../../lib/after-response.js"),
  ]);
  lib = { afterResponseSettled, withIdempotency, redis };
});

afterAll(async () => {
  proxy.closeAllConnections();
  await new Promise((r) => proxy.close(r));
  await (await import("../../lib/db/index.js")).pool.end();
});

describe("Upstash transport faults", () => {
  it("an idempotency gate whose answer was lost after it took the lock still runs the request once", async () => {
    fault = { marker: "'NX'", action: "run-then-drop" }; // the gate's script (SET … NX)
    const before = seen.length;
    let runs = 0;
    const scope = { userId: 980_000 + (process.pid % 1000), key: `drop-${Date.now()}` };
    const res = await lib.withIdempotency(
      { ...scope, request: { method: "POST", path: "/api/x", body: { n: 1 } } },
      async () => {
        runs++;
        return { status: 201, body: { ok: true } };
      },
    );
    // The retry found the lock under its own token: not 409 REQUEST_IN_PROGRESS for the lock's 30 s.
    expect(res.status).toBe(201);
    expect(runs).toBe(1);
    expect(seen.slice(before).filter((b) => b.includes("'NX'")).length).toBe(2); // it did run twice
    // And a real duplicate after it is a replay, not a second run.
    const again = await lib.withIdempotency(
      { ...scope, request: { method: "POST", path: "/api/x", body: { n: 1 } } },
      async () => {
        runs++;
        return { status: 201, body: { ok: true } };
      },
    );
    expect([again.status, again.headers.get("idempotent-replayed"), runs]).toEqual([201, "true", 1]);
  });

  it("a gate that timed out after it took the lock gives the lock back: the retry runs instead of 409", async () => {
    fault = { marker: "'NX'", action: "run-then-stall" };
    let runs = 0;
    const call = () =>
      lib.withIdempotency(
        {
          userId: 981_000 + (process.pid % 1000),
          key: `stall-${process.pid}`,
          request: { method: "POST", path: "/api/x", body: { n: 2 } },
        },
        async () => {
          runs++;
          return { status: 201, body: { ok: true } };
        },
      );
    await expect(call()).rejects.toMatchObject({ code: "SERVICE_UNAVAILABLE" });
    await lib.afterResponseSettled(); // the release is sent off the answer's path
    const retry = await call();
    expect([retry.status, runs]).toEqual([201, 1]);
  });

  it("an error answer names the command, never its keys or values", async () => {
    const secret = `O-Bearer secret-${Date.now()}`;
    fault = { marker: secret, action: "answer-401" };
    const error = await lib.redis.set("phonepe:token:test", JSON.stringify({ authorization: secret })).then(
      () => null,
      (e: Error) => e,
    );
    expect(error?.message).not.toContain(secret);
    expect(error?.message).not.toContain("phonepe:token:test");
    expect(error?.message).toContain("WRONGPASS");
    expect(error?.message).toContain("SET");
  });
});
