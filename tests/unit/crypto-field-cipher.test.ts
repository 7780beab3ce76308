import { describe, expect, it } from "vitest";
import {
  blindIndex,
  CryptoError,
  createBlindIndexer,
  createFieldCipher,
  fieldCipher,
  maskAadhaar,
  maskAccountNumber,
  maskPan,
  maskPhone,
} from "../../lib/crypto/index.js";

const k1 = Buffer.alloc(32, 1);
const k2 = Buffer.alloc(32, 2);

describe("field cipher (AES-256-GCM envelope)", () => {
  it.each(["ABCPE1234F", "234123412346", "", "ünïcødé ✓", "x".repeat(500)])("round-trips %j", (plain) => {
    const envelope = fieldCipher.encrypt(plain, "test.field");
    expect(fieldCipher.decrypt(envelope, "test.field")).toBe(plain);
    if (plain) expect(envelope).not.toContain(plain);
  });

  it("uses a fresh 96-bit IV per value and records the key id", () => {
    const a = fieldCipher.encrypt("ABCPE1234F");
    const b = fieldCipher.encrypt("ABCPE1234F");
    expect(a).not.toBe(b);
    const [version, keyId, iv, , tag] = a.split(".");
    expect(version).toBe("v1");
    expect(keyId).toBe(fieldCipher.currentKeyId);
    expect(Buffer.from(iv ?? "", "base64url")).toHaveLength(12);
    expect(Buffer.from(tag ?? "", "base64url")).toHaveLength(16);
    expect(fieldCipher.keyIdOf(a)).toBe(fieldCipher.currentKeyId);
  });

  it("decrypts by key id after a rotation and refuses unknown keys", () => {
    const old = createFieldCipher(new Map([["k1", k1]]), "k1");
    const rotated = createFieldCipher(
      new Map([
        ["k1", k1],
        ["k2", k2],
      ]),
      "k2",
    );
    const before = old.encrypt("ABCPE1234F");
    const after = rotated.encrypt("ABCPE1234F");
    expect(rotated.keyIdOf(after)).toBe("k2");
    expect(rotated.decrypt(before)).toBe("ABCPE1234F");
    expect(rotated.decrypt(after)).toBe("ABCPE1234F");
    expect(() => old.decrypt(after)).toThrow(CryptoError);
  });

  it("the configured cipher still decrypts values written under the retired key (DATA_ENCRYPTION_PREVIOUS_KEYS)", () => {
    const retired = createFieldCipher(new Map([["dek0", Buffer.alloc(32, 5)]]), "dek0");
    const old = retired.encrypt("ABCPE1234F", "kyc.pan/1");
    expect(fieldCipher.decrypt(old, "kyc.pan/1")).toBe("ABCPE1234F");
    expect(fieldCipher.keyIdOf(fieldCipher.encrypt("x"))).toBe("dek1");
  });

  const good = fieldCipher.encrypt("234123412346", "kyc.aadhaar");
  const parts = good.split(".");
  const flip = (s: string) => {
    const buf = Buffer.from(s, "base64url");
    buf[0] = (buf[0] ?? 0) ^ 1;
    return buf.toString("base64url");
  };
  it.each([
    ["tampered ciphertext", [parts[0], parts[1], parts[2], flip(parts[3] ?? ""), parts[4]].join(".")],
    ["tampered tag", [parts[0], parts[1], parts[2], parts[3], flip(parts[4] ?? "")].join(".")],
    ["tampered iv", [parts[0], parts[1], flip(parts[2] ?? ""), parts[3], parts[4]].join(".")],
    ["wrong version", ["v0", ...parts.slice(1)].join(".")],
    ["truncated", parts.slice(0, 4).join(".")],
    ["short iv", [parts[0], parts[1], "AAAA", parts[3], parts[4]].join(".")],
    ["unknown key id", [parts[0], "nope", ...parts.slice(2)].join(".")],
    ["garbage", "not-an-envelope"],
  ])("rejects %s", (_name, envelope) => {
    expect(() => fieldCipher.decrypt(envelope, "kyc.aadhaar")).toThrow(CryptoError);
  });

  it("binds the context: a PAN ciphertext does not decrypt as an Aadhaar field", () => {
    expect(() => fieldCipher.decrypt(good, "kyc.pan")).toThrow(CryptoError);
  });

  it.each([
    ["bad key id", new Map([["a.b", k1]]), "a.b"],
    ["short key", new Map([["k", Buffer.alloc(16)]]), "k"],
    ["missing current key", new Map([["k1", k1]]), "k2"],
  ])("refuses a %s", (_name, keys, current) => {
    expect(() => createFieldCipher(keys, current)).toThrow(CryptoError);
  });
});

describe("blind index (HMAC-SHA256)", () => {
  it.each([
    ["pan", "abcpe1234f", "ABCPE 1234F"],
    ["aadhaar", "2341 2341 2346", "2341-2341-2346"],
    ["accountNumber", "0012 3456-7890", "001234567890"],
    ["phone", "+91 98765 43210", "9876543210"],
    ["email", " Asha@Example.COM ", "asha@example.com"],
  ] as const)("normalises %s before hashing", (field, a, b) => {
    expect(blindIndex(field, a)).toBe(blindIndex(field, b));
    expect(blindIndex(field, a)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("is domain-separated per field and keyed", () => {
    expect(blindIndex("accountNumber", "234123412346")).not.toBe(blindIndex("aadhaar", "234123412346"));
    expect(blindIndex("pan", "ABCPE1234F")).not.toBe(blindIndex("pan", "ABCPE1234G"));
    const other = createBlindIndexer(Buffer.alloc(32, 3));
    expect(other("pan", "ABCPE1234F")).not.toBe(blindIndex("pan", "ABCPE1234F"));
    expect(() => createBlindIndexer(Buffer.alloc(16))).toThrow();
  });
});

describe("masking", () => {
  it.each([
    [maskPan, "ABCPE1234F", "XXXXX1234F"],
    [maskPan, "abcpe1234f", "XXXXX1234F"],
    [maskPan, "short", "XXXXXXXXXX"],
    [maskAadhaar, "234123412346", "XXXX-XXXX-2346"],
    [maskAadhaar, "2346", "XXXX-XXXX-2346"],
    [maskAadhaar, "2341 2341 2346", "XXXX-XXXX-2346"],
    [maskAadhaar, "", "XXXX-XXXX-XXXX"],
    [maskAccountNumber, "001234567890", "XXXXXX7890"],
    [maskAccountNumber, "123", "XXXXXXXXXX"],
    [maskPhone, "9876543210", "XXXXXX3210"],
  ] as const)("%o(%j) → %j", (fn, input, expected) => {
    expect(fn(input)).toBe(expected);
  });
});
