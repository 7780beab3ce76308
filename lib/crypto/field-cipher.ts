/**
 * AES-256-GCM encryption of sensitive fields (domain-india §4.4). Envelope, all base64url:
 * `v1.<keyId>.<iv 96-bit>.<ciphertext>.<tag 128-bit>`: the key id lets old values be decrypted after a
 * key rotation, and a fresh random IV per value means equal plaintexts never look equal. An optional
 * `context` (e.g. `kyc.pan`) is bound as AAD so a ciphertext cannot be moved to another field.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

export type FieldCipher = {
  /** The key id new values are encrypted with. */
  readonly currentKeyId: string;
  encrypt(plaintext: string, context?: string): string;
  /** Throws on a malformed envelope, an unknown key id or a tampered value (GCM tag mismatch). */
  decrypt(envelope: string, context?: string): string;
  /** The key id an envelope was written with (to find values still under a retired key). */
  keyIdOf(envelope: string): string;
};

export class CryptoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CryptoError";
  }
}

function parse(envelope: string): { keyId: string; iv: Buffer; data: Buffer; tag: Buffer } {
  const parts = envelope.split(".");
  if (parts.length !== 5 || parts[0] !== VERSION) throw new CryptoError("Unrecognised ciphertext envelope.");
  const [, keyId = "", iv = "", data = "", tag = ""] = parts;
  const result = {
    keyId,
    iv: Buffer.from(iv, "base64url"),
    data: Buffer.from(data, "base64url"),
    tag: Buffer.from(tag, "base64url"),
  };
  if (result.iv.length !== IV_BYTES || result.tag.length !== TAG_BYTES) {
    throw new CryptoError("Malformed ciphertext envelope.");
  }
  return result;
}

/**
 * Builds a cipher over a key ring (key id → 32-byte key). New values use `currentKeyId`; any key in
 * the ring can decrypt, which is how a rotation keeps old rows readable until they are re-encrypted.
 */
export function createFieldCipher(keys: ReadonlyMap<string, Buffer>, currentKeyId: string): FieldCipher {
  for (const [id, key] of keys) {
    if (!KEY_ID.test(id)) throw new CryptoError(`Key id "${id}" must match ${KEY_ID}.`);
    if (key.length !== 32) throw new CryptoError(`Key "${id}" must be 32 bytes.`);
  }
  const current = keys.get(currentKeyId);
  if (!current) throw new CryptoError(`Current key "${currentKeyId}" is not in the key ring.`);

  return {
    currentKeyId,
    encrypt(plaintext, context = "") {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", current, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(context, "utf8"));
      const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [
        VERSION,
        currentKeyId,
        iv.toString("base64url"),
        data.toString("base64url"),
        tag.toString("base64url"),
      ].join(".");
    },
    decrypt(envelope, context = "") {
      const { keyId, iv, data, tag } = parse(envelope);
      const key = keys.get(keyId);
      if (!key) throw new CryptoError(`No key with id "${keyId}" is configured.`);
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(Buffer.from(context, "utf8"));
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(data), decipher.final()]).toString("utf8");
      } catch {
        // Never echo the ciphertext or the underlying OpenSSL message.
        throw new CryptoError("Ciphertext failed authentication.");
      }
    },
    keyIdOf(envelope) {
      return parse(envelope).keyId;
    },
  };
}
