/** Strict parsing of request bodies, query strings and headers into zod-validated values. */
import type { z } from "zod";
import { AppError, type ErrorDetail } from "./errors.js";

export const MAX_BODY_BYTES = 64 * 1024;

/** Turns zod issues into API `details`, naming each rejected unknown field individually. */
export function zodDetails(error: z.ZodError): ErrorDetail[] {
  return error.issues.flatMap((issue): ErrorDetail[] => {
    const at = issue.path.map(String).join(".");
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({ path: at ? `${at}.${key}` : key, message: "is not an allowed field" }));
    }
    return [{ path: at || "(root)", message: issue.message }];
  });
}

export function parseWith<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new AppError("VALIDATION_FAILED", `The ${what} is invalid.`, { details: zodDetails(result.error) });
  }
  return result.data;
}

const tooLarge = () => new AppError("PAYLOAD_TOO_LARGE", "The request body is too large.");

/**
 * The body as text, refused with 413 as soon as it passes `maxBytes`: a declared Content-Length is
 * checked first, and a body without one (chunked) is counted as it streams and cancelled at the limit,
 * instead of being read whole before the check.
 */
export async function readTextCapped(request: Request, maxBytes = MAX_BODY_BYTES): Promise<string> {
  if (Number(request.headers.get("content-length") ?? "0") > maxBytes) throw tooLarge();
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks)); // as request.text(): UTF-8, a BOM dropped
}

/** Reads and validates a JSON body. An empty body is `{}` so all-optional schemas accept it. */
export async function parseJsonBody<T extends z.ZodType>(request: Request, schema: T): Promise<z.output<T>> {
  const type = request.headers.get("content-type");
  if (type && !/^application\/(.+\+)?json\b/i.test(type)) {
    throw new AppError("UNSUPPORTED_MEDIA_TYPE", "The request body must be application/json.");
  }
  const text = await readTextCapped(request);
  let value: unknown = {};
  if (text.trim() !== "") {
    try {
      value = JSON.parse(text);
    } catch {
      throw new AppError("BAD_REQUEST", "The request body is not valid JSON.");
    }
  }
  return parseWith(schema, value, "request body");
}

/** Validates the query string (dynamic path segments arrive here too, as Vercel passes them). */
export function parseQuery<T extends z.ZodType>(url: URL, schema: T): z.output<T> {
  const value: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const all = url.searchParams.getAll(key);
    value[key] = all.length === 1 ? (all[0] as string) : all;
  }
  return parseWith(schema, value, "query string");
}

const IDEMPOTENCY_KEY_RE = /^[\x21-\x7e][\x20-\x7e]{0,254}$/;

/** The `Idempotency-Key` header that money-moving POSTs require (1–255 printable ASCII characters). */
export function readIdempotencyKey(request: Request): string {
  const key = request.headers.get("idempotency-key");
  if (key === null || key === "") {
    throw new AppError("BAD_REQUEST", "The Idempotency-Key header is required for this request.");
  }
  if (!IDEMPOTENCY_KEY_RE.test(key)) {
    throw new AppError("BAD_REQUEST", "The Idempotency-Key header must be 1-255 printable ASCII characters.");
  }
  return key;
}

/** The caller's IP as Vercel's edge reports it (`x-real-ip`), falling back to the first forwarded hop. */
export function clientIp(request: Request): string | null {
  const real = request.headers.get("x-real-ip");
  if (real) return real;
  const forwarded = request.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return forwarded || null;
}
