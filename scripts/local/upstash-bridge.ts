/**
 * Minimal Upstash-Redis-REST-compatible bridge over a local redis-server (dev/test only): what
 * @upstash/redis and @upstash/ratelimit send — POST / (one command), /pipeline, /multi-exec, JSON array
 * bodies, `Authorization: Bearer <token>`, optional `Upstash-Encoding: base64`. See local-stack.md §3.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createClient, ErrorReply, MultiErrorReply } from "redis";

type Reply = unknown;
type Cmd = (string | number | boolean | null)[];
type Outcome = { result: Reply } | { error: string };

export type UpstashBridge = { url: string; token: string; close(): Promise<void> };

export async function startUpstashBridge(opts: {
  redisUrl: string;
  token: string;
  port?: number;
}): Promise<UpstashBridge> {
  // RESP2 gives flat arrays like Upstash; without the offline queue a dead Redis fails fast instead of hanging.
  // No per-command timeout (node-redis 6 defaults to 5 s): each one is an AbortSignal.timeout whose timer
  // fires later and builds a DOMException — about 5 % of the bridge's CPU in a profile. The API's
  // Upstash client keeps its own deadline (3 s) on every call.
  const redis = createClient({
    url: opts.redisUrl,
    RESP: 2,
    disableOfflineQueue: true,
    commandOptions: { timeout: 0 },
  });
  redis.on("error", () => {});
  await redis.connect();

  // @upstash/ratelimit ≥ 2.1 starts its scripts with "#!lua flags=allow-key-locking", which real Redis
  // rejects: blank that line and map the library's SHA to the rewritten script's SHA for EVALSHA.
  const shaMap = new Map<string, string>();
  const sha1 = (s: string) => createHash("sha1").update(s).digest("hex");
  const fixScript = (script: string) => {
    if (!/^#!lua[^\n]*allow-key-locking/.test(script)) return script;
    const fixed = script.replace(/^#![^\n]*/, "");
    shaMap.set(sha1(script), sha1(fixed));
    return fixed;
  };
  const toArgs = (cmd: Cmd): string[] => {
    const a = cmd.map((x) => (typeof x === "string" ? x : String(x)));
    const name = (a[0] ?? "").toLowerCase();
    if ((name === "eval" || name === "eval_ro") && a[1]) a[1] = fixScript(a[1]);
    if ((name === "evalsha" || name === "evalsha_ro") && a[1] && shaMap.has(a[1])) a[1] = shaMap.get(a[1]) as string;
    if (name === "script" && a[1]?.toLowerCase() === "load" && a[2]) a[2] = fixScript(a[2]);
    return a;
  };
  const b64 = (v: Reply): Reply =>
    typeof v === "string" ? Buffer.from(v, "utf8").toString("base64") : Array.isArray(v) ? v.map(b64) : v;
  const errMsg = (e: unknown) => (e instanceof Error ? e.message : String(e));
  const one = async (cmd: Cmd): Promise<Outcome> => {
    try {
      return { result: (await redis.sendCommand(toArgs(cmd))) as Reply };
    } catch (e) {
      return { error: errMsg(e) };
    }
  };
  const isCmdList = (b: unknown): b is Cmd[] =>
    Array.isArray(b) && b.length > 0 && b.every((c) => Array.isArray(c) && c.length > 0);

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(JSON.stringify(body));
    };
    try {
      if (req.headers.authorization !== `Bearer ${opts.token}`) return send(401, { error: "Unauthorized" });
      if (req.method !== "POST") return send(405, { error: "Only POST is supported" });
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        return send(400, { error: "ERR failed to parse command" });
      }
      const enc = String(req.headers["upstash-encoding"] ?? "").toLowerCase() === "base64";
      const out = (r: Outcome): Outcome => ("error" in r ? r : { result: enc ? b64(r.result) : r.result });
      const path = (req.url ?? "/").split("?")[0]?.replace(/\/+$/, "") ?? "";

      if (path === "") {
        if (!Array.isArray(body) || body.length === 0)
          return send(400, { error: "ERR command must be a non-empty array" });
        const r = await one(body as Cmd);
        return "error" in r ? send(400, r) : send(200, out(r));
      }
      if (path === "/pipeline") {
        if (!isCmdList(body)) return send(400, { error: "ERR pipeline must be an array of commands" });
        return send(200, (await Promise.all(body.map(one))).map(out));
      }
      if (path === "/multi-exec") {
        if (!isCmdList(body)) return send(400, { error: "ERR transaction must be an array of commands" });
        const multi = redis.multi();
        for (const c of body) multi.addCommand(toArgs(c));
        try {
          const replies = (await multi.exec()) as Reply[];
          return send(
            200,
            replies.map((r) => out({ result: r })),
          );
        } catch (e) {
          if (e instanceof MultiErrorReply) {
            return send(
              200,
              e.replies.map((r: Reply) => (r instanceof ErrorReply ? { error: r.message } : out({ result: r }))),
            );
          }
          return send(400, { error: errMsg(e) });
        }
      }
      return send(404, { error: `Unknown endpoint ${path}` });
    } catch (e) {
      if (!res.headersSent) send(500, { error: errMsg(e) });
    }
  });
  await new Promise<void>((r) => server.listen(opts.port ?? 0, "127.0.0.1", r));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    token: opts.token,
    async close() {
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await closed;
      await redis.quit().catch(() => {});
    },
  };
}
