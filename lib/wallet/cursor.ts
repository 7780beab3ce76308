/**
 * Opaque keyset cursors for the transaction list: the wallet sequence number (`wallet_seq`, gap-free
 * per wallet) of the last line served, base64url-encoded. Keyset (not OFFSET) keeps pages stable while
 * new lines are being inserted: they only ever get higher sequence numbers.
 */
import { AppError } from "../http/errors.js";

export function encodeCursor(walletSeq: number): string {
  return Buffer.from(`s${walletSeq}`).toString("base64url");
}

/** Decodes a client cursor; anything malformed is a 400, never a 500. */
export function decodeCursor(raw: string): number {
  const match = /^s(\d{1,10})$/.exec(Buffer.from(raw, "base64url").toString("latin1"));
  const seq = match ? Number(match[1]) : Number.NaN;
  if (!Number.isSafeInteger(seq) || seq < 1) {
    throw new AppError("BAD_REQUEST", "The cursor is not valid; use nextCursor from a previous page.");
  }
  return seq;
}
