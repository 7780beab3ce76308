/** Public user codes (`NXP` + 8 characters), the stable identifier shown on ledgers and used for referrals. */
import { randomInt } from "node:crypto";

// No 0/O/1/I: codes are read aloud and typed by hand at retail counters.
const ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/** A fresh random code (32^8 ≈ 10^12 values); uniqueness is enforced by the column's unique key. */
export function generateUserCode(): string {
  let code = "NXP";
  for (let i = 0; i < 8; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return code;
}
