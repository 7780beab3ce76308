/** Calls exported Web handlers in-process, the way Vercel would: `await mod.POST(new Request(...))`. */
type FunctionModule = Record<string, unknown>;

export type CallOptions = {
  method?: string;
  path?: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** Sent as-is (for malformed-JSON tests). */
  rawBody?: string;
  token?: string;
  idempotencyKey?: string;
  headers?: Record<string, string>;
  ip?: string;
};

export type CallResult<T = unknown> = { status: number; headers: Headers; body: T; text: string };

export function buildRequest(options: CallOptions = {}): Request {
  const url = new URL(options.path ?? "/api/test", "http://localhost");
  for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
  const headers = new Headers(options.headers);
  if (options.token) headers.set("authorization", `Bearer ${options.token}`);
  if (options.idempotencyKey) headers.set("idempotency-key", options.idempotencyKey);
  headers.set("x-real-ip", options.ip ?? "203.0.113.10");
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined && !headers.has("content-type")) headers.set("content-type", "application/json");
  return new Request(url, { method: options.method ?? "GET", headers, body });
}

export async function call<T = unknown>(mod: FunctionModule, options: CallOptions = {}): Promise<CallResult<T>> {
  const method = options.method ?? "GET";
  const handler = mod[method];
  if (typeof handler !== "function") throw new Error(`module has no ${method} export`);
  const response = (await (handler as (r: Request) => Promise<Response>)(
    buildRequest({ ...options, method }),
  )) as Response;
  const text = await response.text();
  let body: unknown = text;
  if ((response.headers.get("content-type") ?? "").includes("json") && text) body = JSON.parse(text);
  return { status: response.status, headers: response.headers, body: body as T, text };
}
