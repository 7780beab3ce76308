/** The configured cipher and blind indexer (keys from lib/env only), plus masking helpers. */
import { env } from "../env.js";
import { createBlindIndexer } from "./blind-index.js";
import { createFieldCipher } from "./field-cipher.js";

const key = (base64: string) => Buffer.from(base64, "base64").subarray(0, 32);

/** The key ring: retired keys (decrypt only) plus the current key, which wins on an id clash. */
function keyRing(): Map<string, Buffer> {
  const ring = new Map<string, Buffer>();
  for (const retired of env.DATA_ENCRYPTION_PREVIOUS_KEYS) ring.set(retired.id, retired.key);
  ring.set(env.DATA_ENCRYPTION_KEY_ID, key(env.DATA_ENCRYPTION_KEY));
  return ring;
}

/**
 * AES-256-GCM field cipher: encrypts under DATA_ENCRYPTION_KEY (envelopes tagged DATA_ENCRYPTION_KEY_ID)
 * and decrypts under whichever configured key an envelope names.
 */
export const fieldCipher = createFieldCipher(keyRing(), env.DATA_ENCRYPTION_KEY_ID);

/** HMAC-SHA256 blind index under BLIND_INDEX_KEY, domain-separated per field. */
export const blindIndex = createBlindIndexer(Buffer.from(env.BLIND_INDEX_KEY, "base64"));

export { BLIND_INDEX_FIELDS, type BlindIndexer, type BlindIndexField, createBlindIndexer } from "./blind-index.js";
export { CryptoError, createFieldCipher, type FieldCipher } from "./field-cipher.js";
export { maskAadhaar, maskAccountNumber, maskPan, maskPhone } from "./mask.js";
