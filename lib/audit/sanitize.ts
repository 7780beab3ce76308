/**
 * Strips secrets from audit snapshots. Keys are split into words (camelCase, snake_case, kebab-case)
 * and a key is dropped when any word (or two adjacent words) is a secret word, so `passwordHash`,
 * `refresh_token`, `otpCode`, `panEncrypted`, `aadhaarLast4` and `bank_account_number` go while `company`
 * or `userCode` stay.
 */
const SECRET_WORDS = new Set([
  "password",
  "passwd",
  "token",
  "otp",
  "totp",
  "secret",
  "pan",
  "aadhaar",
  "authorization",
  "cookie",
  "cvv",
  "hash",
  "accountnumber",
]);

const MAX_DEPTH = 8;

function words(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** True when an object key names a secret, alone or as two adjacent words (`accountNumber`, `account_number`). */
function isSecretKey(key: string): boolean {
  const ws = words(key);
  return ws.some((w, i) => SECRET_WORDS.has(w) || SECRET_WORDS.has(w + (ws[i + 1] ?? "")));
}

/** A JSON-safe copy of `value` without secret keys; Dates become ISO strings, bigints strings. */
export function sanitizeForAudit(value: unknown, depth = 0): unknown {
  if (value === undefined) return null;
  if (value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
    return value;
  }
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (depth >= MAX_DEPTH) return "[truncated]";
  if (Array.isArray(value)) return value.map((v) => sanitizeForAudit(v, depth + 1));
  if (typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      if (isSecretKey(key) || typeof v === "function" || v === undefined) continue;
      out[key] = sanitizeForAudit(v, depth + 1);
    }
    return out;
  }
  return null;
}
