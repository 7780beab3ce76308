/**
 * A Redis outage (only the Upstash endpoint; MySQL stays up): money-moving requests fail CLOSED with 503
 * before running anything, whether the endpoint drops connections or accepts them and never answers.
 * The endpoint is a real TCP server on loopback; this file's module graph builds lib/redis against it.
 */
import { createServer, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let mode: "drop" | "hang" = "drop";
const sockets = new Set<Socket>();
const endpoint = createServer((socket) => {
  sockets.add(socket);
  socket.on("close", () => sockets.delete(socket));
  if (mode === "drop") socket.destroy();
});

type Lib = {
  withIdempotency: typeof import("../../lib/idempotency/index.js").withIdempotency;
  isAppError: typeof import("../../lib/http/index.js").isAppError;
};
let lib: Lib;

beforeAll(async () => {
  await new Promise<void>((r) => endpoint.listen(0, "127.0.0.1", r));
  const address = endpoint.address();
  process.env.UPSTASH_REDIS_REST_URL = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  const [{ withIdempotency }, { isAppError }] = await Promise.all([
    import("../../lib/idempotency/index.js"),
    import("../../lib/http/index.js"),
  ]);
  lib = { withIdempotency, isAppError };
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => endpoint.close(r));
  await (await import("../../lib/db/index.js")).pool.end();
});

async function attempt(): Promise<{ status: number; code?: string; ran: boolean }> {
  let ran = false;
  const scope = { userId: 990_000 + (process.pid % 1000), key: `k-${mode}-${Date.now()}` };
  try {
    const res = await lib.withIdempotency(
      { ...scope, request: { method: "POST", path: "/api/x", body: {} } },
      async () => {
        ran = true;
        return { status: 201, body: {} };
      },
    );
    return { status: res.status, ran };
  } catch (error) {
    if (!lib.isAppError(error)) throw error;
    return { status: error.status, code: error.code, ran };
  }
}

describe("idempotency with the Upstash endpoint down", () => {
  it("connections dropped (retried once, then): 503 SERVICE_UNAVAILABLE, nothing run", async () => {
    mode = "drop";
    expect(await attempt()).toEqual({ status: 503, code: "SERVICE_UNAVAILABLE", ran: false });
  });

  it("connections accepted but never answered: 503 after the transport's time limit, nothing run", async () => {
    mode = "hang";
    expect(await attempt()).toEqual({ status: 503, code: "SERVICE_UNAVAILABLE", ran: false });
  }, 15_000);
});
