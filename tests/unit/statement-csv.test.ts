/** The statement's CSV cells: another user's free text must never become a spreadsheet formula. */
import { describe, expect, it } from "vitest";
import { csvCell } from "../../lib/wallet/statement-csv.js";

describe("csvCell", () => {
  it("quotes every text cell, so a formula after a ';' (a separator in many locales) stays text", () => {
    expect(csvCell('x;=HYPERLINK("http://evil","refund")')).toBe('"x;=HYPERLINK(""http://evil"",""refund"")"');
    expect(csvCell("plain")).toBe('"plain"');
    expect(csvCell(null)).toBe('""');
  });

  it("neutralises a leading formula trigger and leaves amounts bare", () => {
    expect(["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"].map((v) => csvCell(v))).toEqual([
      `"'=1+1"`,
      `"'+1"`,
      `"'-1"`,
      `"'@SUM(A1)"`,
      `"'\tx"`,
      `"'\rx"`,
    ]);
    expect(csvCell("-1500.50", false)).toBe("-1500.50");
  });
});
