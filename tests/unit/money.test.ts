import { describe, expect, it } from "vitest";
import { amountPaiseSchema, decimalFromPaise, formatRupees, paise, paiseFromDecimal } from "../../lib/money/index.js";

describe("paise <-> DECIMAL strings", () => {
  it.each([
    ["0.00", 0],
    ["1500.50", 150050],
    ["-3.10", -310],
    ["-0.05", -5],
    ["12", 1200],
    ["7.5", 750],
    ["7.5000", 750],
    ["9999999999999.99", 999999999999999],
    ["-0.00", 0],
  ])("%s -> %d paise", (text, expected) => {
    expect(paiseFromDecimal(text)).toBe(expected);
  });

  it.each(["1.005", "abc", "", "1e3", "1.2.3", "9999999999999999.99"])("rejects %j", (text) => {
    expect(() => paiseFromDecimal(text)).toThrow(RangeError);
  });

  it.each([
    [0, "0.00"],
    [5, "0.05"],
    [150050, "1500.50"],
    [-310, "-3.10"],
    [999999999999999, "9999999999999.99"],
  ])("%d paise -> %s", (value, expected) => {
    expect(decimalFromPaise(paise(value))).toBe(expected);
    expect(paiseFromDecimal(decimalFromPaise(paise(value)))).toBe(value);
  });

  it("never accepts non-integers as paise", () => {
    expect(() => paise(1.5)).toThrow(RangeError);
    expect(() => paise(Number.NaN)).toThrow(RangeError);
    expect(() => paise(2 ** 53)).toThrow(RangeError);
  });
});

describe("formatRupees (edge formatting only)", () => {
  it.each([
    [0, "0.00"],
    [150050, "1,500.50"],
    [15000050, "1,50,000.50"],
    [-1234567, "-12,345.67"],
    [999999999999999, "99,99,99,99,99,999.99"],
  ])("%d -> %s", (value, expected) => {
    expect(formatRupees(paise(value))).toBe(expected);
  });
});

describe("amountPaiseSchema", () => {
  it.each([0, -1, 1.5, "100", Number.POSITIVE_INFINITY, Number.NaN, null])("rejects %j", (value) => {
    expect(amountPaiseSchema.safeParse(value).success).toBe(false);
  });
  it("accepts a positive integer", () => {
    expect(amountPaiseSchema.parse(100)).toBe(100);
  });
});
