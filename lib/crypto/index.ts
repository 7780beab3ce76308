/** The configured cipher and blind indexer (keys from lib/env only), plus masking helpers. */
import { env } from "../env.js";
import { createBlindIndexer } from "./blind-index.js";
import { createFieldCipher } from "./field-cipher.js";

const key = (base64: string) => Buffer.from(base64, "base64").subarray(0, 32);

/** AES-256-GCM field cipher under DATA_ENCRYPTION_KEY, envelopes tagged with DATA_ENCRYPTION_KEY_ID. */
export const fieldCipher = createFieldCipher(
  new Map([[env.DATA_ENCRYPTION_KEY_ID, key(env.DATA_ENCRYPTION_KEY)]]),
  env.DATA_ENCRYPTION_KEY_ID,
);

/** HMAC-SHA256 blind index under BLIND_INDEX_KEY, domain-separated per field. */
export const blindIndex = createBlindIndexer(Buffer.from(env.BLIND_INDEX_KEY, "base64"));

export { BLIND_INDEX_FIELDS, type BlindIndexer, type BlindIndexField, createBlindIndexer } from "./blind-index.js";
export { CryptoError, createFieldCipher, type FieldCipher } from "./field-cipher.js";
export { maskAadhaar, maskAccountNumber, maskPan, maskPhone } from "./mask.js";
