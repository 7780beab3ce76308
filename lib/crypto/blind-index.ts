/**
 * Blind indexes: HMAC-SHA256 of a normalised value under BLIND_INDEX_KEY, for equality lookups and
 * uniqueness on encrypted fields without decrypting (domain-india §4.4). Each field gets its own
 * derived key (domain separation), so the same digits as a PAN and as an account number never match.
 */
import { createHmac } from "node:crypto";

/** Per-field normalisation: what counts as "the same value" for that field. */
export const BLIND_INDEX_FIELDS = {
  pan: (v: string) => v.replace(/\s+/g, "").toUpperCase(),
  aadhaar: (v: string) => v.replace(/[\s-]+/g, ""),
  accountNumber: (v: string) => v.replace(/[\s-]+/g, "").toUpperCase(),
  phone: (v: string) => v.replace(/\D+/g, "").slice(-10),
  email: (v: string) => v.trim().toLowerCase(),
  /** Rate-limit identifiers (IPs, phones, e-mails, user ids), already normalised by their callers. */
  rateLimitKey: (v: string) => v,
} as const satisfies Record<string, (v: string) => string>;

export type BlindIndexField = keyof typeof BLIND_INDEX_FIELDS;

export type BlindIndexer = (field: BlindIndexField, value: string) => string;

/** Builds the indexer over a secret key (≥ 32 bytes); field keys are derived once, lazily. */
export function createBlindIndexer(secret: Buffer): BlindIndexer {
  if (secret.length < 32) throw new Error("The blind index key must be at least 32 bytes.");
  const fieldKeys = new Map<BlindIndexField, Buffer>();
  return (field, value) => {
    let key = fieldKeys.get(field);
    if (!key) {
      key = createHmac("sha256", secret).update(`nexaspay/blind-index/v1/${field}`).digest();
      fieldKeys.set(field, key);
    }
    return createHmac("sha256", key).update(BLIND_INDEX_FIELDS[field](value), "utf8").digest("hex");
  };
}
