/**
 * The fingerprint of a request under one idempotency key: SHA-256 of method, path and the canonical
 * JSON body. Canonical = object keys sorted at every depth, so `{a,b}` and `{b,a}` are the same request
 * while any change of amount, recipient or note is a different one (→ 422 IDEMPOTENCY_KEY_REUSED).
 */
import { createHash } from "node:crypto";

/** JSON with object keys sorted recursively; `undefined` members are dropped like JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? "null" : canonicalJson(v))).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

export type IdempotentRequest = { method: string; path: string; body: unknown };

/** Hex SHA-256 of `METHOD\npath\ncanonical-body`. */
export function requestHash(request: IdempotentRequest): string {
  return createHash("sha256")
    .update(`${request.method.toUpperCase()}\n${request.path}\n${canonicalJson(request.body)}`)
    .digest("hex");
}
