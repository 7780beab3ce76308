import { describe, expect, it } from "vitest";
import { normalizeAadhaar, normalizePan, verhoeffCheckDigit, verhoeffValid } from "../../lib/kyc/identity-numbers.js";

/** Appends the Verhoeff check digit, so tests build valid numbers instead of hard-coding them. */
const withCheck = (digits: string) => `${digits}${verhoeffCheckDigit(digits)}`;

describe("Verhoeff", () => {
  it.each([
    ["236", 3],
    ["12345", 1],
    ["142857", 0],
  ])("check digit of %s is %i (published examples)", (digits, check) => {
    expect(verhoeffCheckDigit(digits)).toBe(check);
    expect(verhoeffValid(`${digits}${check}`)).toBe(true);
  });

  it("detects every single-digit error and every adjacent transposition of a valid number", () => {
    const valid = withCheck("23412341234");
    expect(verhoeffValid(valid)).toBe(true);
    for (let i = 0; i < valid.length; i++) {
      for (let d = 0; d <= 9; d++) {
        if (String(d) === valid[i]) continue;
        expect(verhoeffValid(`${valid.slice(0, i)}${d}${valid.slice(i + 1)}`)).toBe(false);
      }
      if (i + 1 < valid.length && valid[i] !== valid[i + 1]) {
        const swapped = `${valid.slice(0, i)}${valid[i + 1]}${valid[i]}${valid.slice(i + 2)}`;
        expect(verhoeffValid(swapped)).toBe(false);
      }
    }
  });
});

describe("normalizeAadhaar", () => {
  const valid = withCheck("23412341234");
  it.each([
    [valid, valid],
    [`${valid.slice(0, 4)} ${valid.slice(4, 8)} ${valid.slice(8)}`, valid],
    [`${valid.slice(0, 4)}-${valid.slice(4, 8)}-${valid.slice(8)}`, valid],
    [withCheck("12341234123"), null], // first digit 1
    [withCheck("02341234123"), null], // first digit 0
    [`${valid.slice(0, 11)}${(Number(valid[11]) + 1) % 10}`, null], // bad checksum
    [withCheck("2341234123"), null], // 11 digits
    [withCheck("234123412341"), null], // 13 digits
    ["23412341234a", null],
    ["", null],
  ])("%j → %j", (input, expected) => {
    expect(normalizeAadhaar(input)).toBe(expected);
  });
});

describe("normalizePan", () => {
  it.each([
    ["ABCPE1234F", "ABCPE1234F"],
    ["abcpe1234f", "ABCPE1234F"],
    [" ABCPE 1234F ", "ABCPE1234F"],
    ["AAACB1234C", "AAACB1234C"], // company
    ["AAAHB1234C", "AAAHB1234C"], // HUF
    ["ABCXE1234F", null], // X is not a holder type
    ["ABCDE1234F", null], // D is not a holder type
    ["ABCP1234F", null],
    ["ABCPE12345", null],
    ["1BCPE1234F", null],
    ["ABCPE1234FF", null],
    ["", null],
  ])("%j → %j", (input, expected) => {
    expect(normalizePan(input)).toBe(expected);
  });
});
