/**
 * Validation of a posting before any database work: positive integer amounts, a sane reference, and
 * double entry (Σ debits = Σ credits over wallet and system legs). A bad posting is a programming
 * error in the caller, so it throws BAD_REQUEST rather than touching the database.
 */
import { AppError } from "../http/errors.js";
import { MAX_DECIMAL_15_2_PAISE } from "../money/index.js";
import type { PostingInput } from "./types.js";

const REFERENCE_RE = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/;
const MAX_LEGS = 24;

function fail(message: string): never {
  throw new AppError("BAD_REQUEST", `Invalid posting: ${message}`);
}

function checkAmount(amount: number, where: string): void {
  if (!Number.isSafeInteger(amount) || amount <= 0 || amount > MAX_DECIMAL_15_2_PAISE)
    fail(`${where} amount must be a positive integer number of paise`);
}

export function validatePosting(input: PostingInput): void {
  if (!REFERENCE_RE.test(input.reference)) fail("reference must be 1–100 characters of [A-Za-z0-9_.:-]");
  const legs = input.walletLegs.length + input.systemLegs.length;
  if (input.walletLegs.length === 0) fail("at least one wallet leg is required");
  if (legs < 2 || legs > MAX_LEGS) fail(`a posting has 2–${MAX_LEGS} legs`);
  let net = 0;
  for (const [i, leg] of input.walletLegs.entries()) {
    if (!Number.isSafeInteger(leg.userId) || leg.userId <= 0) fail(`walletLegs[${i}].userId is invalid`);
    checkAmount(leg.amountPaise, `walletLegs[${i}]`);
    if (leg.feePaise !== undefined && (!Number.isSafeInteger(leg.feePaise) || leg.feePaise < 0))
      fail(`walletLegs[${i}].feePaise is invalid`);
    net += leg.direction === "debit" ? leg.amountPaise : -leg.amountPaise;
  }
  for (const [i, leg] of input.systemLegs.entries()) {
    checkAmount(leg.amountPaise, `systemLegs[${i}]`);
    net += leg.direction === "debit" ? leg.amountPaise : -leg.amountPaise;
  }
  if (net !== 0) fail(`debits and credits differ by ${net} paise`);
}
