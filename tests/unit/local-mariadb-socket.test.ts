/** scripts/local/mariadb.ts: where the local server's Unix socket lives and how its URLs are built. */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { databaseUrlOf, socketPathFor, socketServerUrl } from "../../scripts/local/mariadb.js";

describe("local MariaDB socket", () => {
  it("lives in the data directory when the path fits a socket address", () => {
    expect(socketPathFor("/tmp/nx/mariadb")).toBe("/tmp/nx/mariadb/mysqld.sock");
  });

  it("moves to the temp directory, stable per data directory, when the path would not fit (108 bytes)", () => {
    const deep = join("/srv", "a".repeat(120), "mariadb");
    const socket = socketPathFor(deep);
    expect(Buffer.byteLength(socket)).toBeLessThan(108);
    expect(socket).toBe(socketPathFor(deep));
    expect(socket).not.toBe(socketPathFor(`${deep}2`));
  });

  it("names the database without losing the socket path", () => {
    const url = new URL(databaseUrlOf(socketServerUrl("/tmp/x y/mysqld.sock"), "app_1"));
    expect(url.pathname).toBe("/app_1");
    expect(url.searchParams.get("socketPath")).toBe("/tmp/x y/mysqld.sock");
  });
});
