/**
 * Money is integer paise everywhere in code and JSON (₹1 = 100 paise). `Paise` is a branded number:
 * 2^53 paise is about ₹90 trillion, so a safe integer never loses precision and needs no BigInt.
 * Conversions to and from the database's DECIMAL(15,2) strings are exact string arithmetic: no float
 * ever sits between a column and a balance.
 */
import { z } from "zod";

export type Paise = number & { readonly __brand: "Paise" };

/** Largest value DECIMAL(15,2) can hold, in paise. */
export const MAX_DECIMAL_15_2_PAISE = 999_999_999_999_999 as Paise;

/** Brands a number as paise; throws on anything that is not a safe integer. */
export function paise(n: number): Paise {
  if (!Number.isSafeInteger(n)) throw new RangeError(`paise must be a safe integer, got ${n}`);
  return n as Paise;
}

export const ZERO_PAISE = 0 as Paise;

export function addPaise(a: Paise, b: Paise): Paise {
  return paise(a + b);
}

export function subPaise(a: Paise, b: Paise): Paise {
  return paise(a - b);
}

export function sumPaise(values: Iterable<Paise>): Paise {
  let total = 0;
  for (const v of values) total += v;
  return paise(total);
}

const DECIMAL_RE = /^(-)?(\d+)(?:\.(\d+))?$/;

/**
 * Parses a DECIMAL string from the driver ("1500.50", "-3.1", "12", "7.5000" from SUM/AVG) into paise.
 * Digits beyond the second decimal place must be zeros: a value that is not a whole number of paise is
 * a bug upstream, so it throws instead of rounding silently.
 */
export function paiseFromDecimal(value: string): Paise {
  const m = DECIMAL_RE.exec(value.trim());
  if (!m) throw new RangeError(`not a decimal amount: ${JSON.stringify(value)}`);
  const [, sign, rupees = "0", fraction = ""] = m;
  if (/[1-9]/.test(fraction.slice(2))) throw new RangeError(`amount has fractions of a paisa: ${value}`);
  const paiseDigits = `${rupees}${fraction.slice(0, 2).padEnd(2, "0")}`;
  const n = Number(paiseDigits);
  if (!Number.isSafeInteger(n)) throw new RangeError(`amount out of range: ${value}`);
  return paise(sign && n !== 0 ? -n : n);
}

/** Formats paise as the DECIMAL string the database stores ("1500.50"). */
export function decimalFromPaise(value: Paise): string {
  const abs = Math.abs(value);
  const rupees = Math.trunc(abs / 100);
  const rest = abs % 100;
  return `${value < 0 ? "-" : ""}${rupees}.${rest.toString().padStart(2, "0")}`;
}

const INR = new Intl.NumberFormat("en-IN", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/**
 * Human rupee string for the edge only (CSV, receipts): 15000050 → "1,50,000.50". Built from the exact
 * decimal string, so large values never pass through a float division.
 */
export function formatRupees(value: Paise): string {
  const [whole = "0", fraction = "00"] = decimalFromPaise(value).replace("-", "").split(".");
  const grouped = INR.format(BigInt(whole)).split(".")[0];
  return `${value < 0 ? "-" : ""}${grouped}.${fraction}`;
}

/** A positive amount in paise as accepted at the API boundary (integer, ≥ 1, within DECIMAL(15,2)). */
export const amountPaiseSchema = z
  .number({ error: "must be an integer number of paise" })
  .int("must be an integer number of paise")
  .min(1, "must be at least 1 paisa")
  .max(MAX_DECIMAL_15_2_PAISE, "is too large")
  .transform((n) => n as Paise);
