/** Opaque random secrets and their SHA-256 digests (what the database stores instead of the secret). */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** 256 random bits, base64url (43 characters). */
export const randomSecret = (): string => randomBytes(32).toString("base64url");

export const sha256Hex = (value: string): string => createHash("sha256").update(value).digest("hex");

/** Constant-time comparison of two hex digests. */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, "hex");
  const y = Buffer.from(b, "hex");
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}
