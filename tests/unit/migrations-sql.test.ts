/**
 * Lints committed migrations for MySQL-8-only failures that MariaDB would accept silently
 * (local-stack.md §2): TIMESTAMP/DATETIME fsp mismatches between DEFAULT and ON UPDATE, and
 * expression defaults such as `(now())` on temporal columns.
 */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const DIR = new URL("../../drizzle/", import.meta.url);
const files = readdirSync(DIR).filter((f) => f.endsWith(".sql"));

const TEMPORAL = /`(\w+)`\s+(timestamp|datetime)(?:\((\d)\))?([^,\n]*)/gi;

function findOnUpdatePitfalls(text: string): string[] {
  const problems: string[] = [];
  for (const m of text.matchAll(TEMPORAL)) {
    const [, column, , fsp = "0", rest = ""] = m;
    for (const use of rest.matchAll(/(DEFAULT|ON UPDATE)\s+(CURRENT_TIMESTAMP|now)\s*(?:\((\d?)\))?/gi)) {
      const usedFsp = use[3] || "0";
      if (usedFsp !== fsp) problems.push(`${column}: ${use[1]} precision ${usedFsp} vs column fsp ${fsp}`);
    }
    if (/DEFAULT\s+\(now\(\)\)/i.test(rest)) problems.push(`${column}: expression default (now())`);
  }
  return problems;
}

describe("migration SQL is valid on MySQL 8", () => {
  it("catches the ON UPDATE precision pitfall", () => {
    expect(findOnUpdatePitfalls("`u` timestamp(3) DEFAULT (now()) ON UPDATE CURRENT_TIMESTAMP,")).toHaveLength(2);
    expect(
      findOnUpdatePitfalls("`u` timestamp(3) DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),"),
    ).toEqual([]);
    expect(findOnUpdatePitfalls("`u` timestamp DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,")).toEqual([]);
  });

  it.each(files)("%s has no fsp mismatch or (now()) default", (file) => {
    expect(findOnUpdatePitfalls(readFileSync(new URL(file, DIR), "utf8"))).toEqual([]);
  });
});
