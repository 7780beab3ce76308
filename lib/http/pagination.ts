/**
 * Keyset pagination shared by every list (API.md §0): `?limit=1..100` (default 20) and an opaque
 * `?cursor=` → `{data, nextCursor}`, newest first. A cursor is the last served key (a row id or a
 * wallet sequence number) behind a per-list prefix, base64url-encoded; keyset, not OFFSET, so rows
 * inserted meanwhile never shift a page.
 */
import { z } from "zod";
import { AppError } from "./errors.js";

export const pageLimitSchema = z.coerce.number().int().min(1).max(100).default(20);
export const cursorSchema = z.string().min(1).max(200);

export type KeysetCursor = { encode(key: number): string; decode(raw: string): number };

/** A cursor codec whose prefix ties a cursor to its list (another list's cursor is rejected). */
export function keysetCursor(prefix: string): KeysetCursor {
  return {
    encode: (key) => Buffer.from(`${prefix}${key}`).toString("base64url"),
    decode(raw) {
      const text = Buffer.from(raw, "base64url").toString("latin1");
      const digits = text.startsWith(prefix) ? text.slice(prefix.length) : "";
      const key = /^\d{1,15}$/.test(digits) ? Number(digits) : 0;
      if (key < 1) {
        // A malformed cursor is the client's mistake: 400, never a 500.
        throw new AppError("VALIDATION_FAILED", "The cursor is not valid; use nextCursor from a previous page.", {
          details: [{ path: "cursor", message: "Invalid cursor" }],
        });
      }
      return key;
    },
  };
}

/** Cuts the `limit + 1` rows a list fetched into one page and the cursor of the next (or null). */
export function toPage<Row, View>(
  rows: Row[],
  limit: number,
  cursor: KeysetCursor,
  keyOf: (row: Row) => number,
  view: (row: Row) => View,
): { data: View[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { data: page.map(view), nextCursor: rows.length > limit && last ? cursor.encode(keyOf(last)) : null };
}
