/**
 * PAN and Aadhaar format checks (domain-india §4.1). A valid Aadhaar checksum shows the number is
 * well-formed, not that it exists; real verification is the admin decision (or a provider later).
 */

/** 4th PAN letter: P individual, C company, H HUF, F firm, A AOP, T trust, B BOI, L local authority,
 * J artificial juridical person, G government, E LLP. */
export const PAN_HOLDER_TYPES = new Set(["P", "C", "H", "F", "A", "T", "B", "L", "J", "G", "E"]);
const PAN_RE = /^[A-Z]{5}[0-9]{4}[A-Z]$/;

/** Upper-cases and strips spaces; returns the PAN or null when it is not a valid PAN. */
export function normalizePan(input: string): string | null {
  const pan = input.replace(/\s+/g, "").toUpperCase();
  return PAN_RE.test(pan) && PAN_HOLDER_TYPES.has(pan.charAt(3)) ? pan : null;
}

// Verhoeff tables: dihedral group D5 multiplication, position permutation, inverse.
const D = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
  [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
  [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
  [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
  [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
  [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
  [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
  [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
  [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
const P = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
  [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
  [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
  [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
  [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
  [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
  [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];
const INV = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9];

const cell = (table: number[][], row: number, col: number) => (table[row] as number[])[col] as number;

function verhoeffFold(digits: string, offset: number): number {
  let c = 0;
  for (let i = 0; i < digits.length; i++) {
    const digit = Number(digits[digits.length - 1 - i]);
    c = cell(D, c, cell(P, (i + offset) % 8, digit));
  }
  return c;
}

/** True when the digit string (check digit last) passes the Verhoeff check. */
export function verhoeffValid(digits: string): boolean {
  return /^\d+$/.test(digits) && verhoeffFold(digits, 0) === 0;
}

/** The Verhoeff check digit to append to `digits`. */
export function verhoeffCheckDigit(digits: string): number {
  return INV[verhoeffFold(digits, 1)] as number;
}

/** Strips spaces/hyphens; returns the 12 digits or null unless first digit 2–9 and checksum valid. */
export function normalizeAadhaar(input: string): string | null {
  const digits = input.replace(/[\s-]+/g, "");
  return /^[2-9]\d{11}$/.test(digits) && verhoeffValid(digits) ? digits : null;
}
