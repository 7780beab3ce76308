/** Random, valid identity numbers for KYC tests (each test uses fresh ones: the blind indexes are unique). */
import { randomInt } from "node:crypto";
import { verhoeffCheckDigit } from "../../lib/kyc/index.js";

const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const letter = () => LETTERS[randomInt(26)] as string;

export function randomPan(holderType = "P"): string {
  const digits = String(randomInt(10_000)).padStart(4, "0");
  return `${letter()}${letter()}${letter()}${holderType}${letter()}${digits}${letter()}`;
}

export function randomAadhaar(): string {
  const body = `${randomInt(2, 10)}${String(randomInt(10_000_000_000)).padStart(10, "0")}`;
  return `${body}${verhoeffCheckDigit(body)}`;
}
