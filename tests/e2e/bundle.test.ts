/** Every api/ file bundles on its own (as Vercel builds each function) without dev-only code. */
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { discoverRoutes } from "../../scripts/dev-server.js";

const routes = discoverRoutes();

describe("function bundles", () => {
  it("finds the function files", () => {
    expect(routes.length).toBeGreaterThan(0);
  });

  it.each(routes.map((r) => [r.segments.join("/"), r.file]))(
    "%s bundles without scripts/ or tests/",
    async (_name, file) => {
      const result = await build({
        entryPoints: [file],
        bundle: true,
        platform: "node",
        format: "esm",
        target: "node20",
        packages: "external",
        write: false,
        metafile: true,
        logLevel: "silent",
      });
      const inputs = Object.keys(result.metafile.inputs);
      expect(inputs.some((i) => i.startsWith("lib/"))).toBe(true);
      expect(inputs.filter((i) => /^(scripts|tests)\//.test(i))).toEqual([]);
      // Dev-only packages must never be reachable from a function.
      const imports = Object.values(result.metafile.outputs).flatMap((o) => o.imports.map((i) => i.path));
      expect(
        imports.filter((p) => /^(@hono\/node-server|redis|pino-pretty|tsx|vitest|playwright-core)$/.test(p)),
      ).toEqual([]);
    },
  );
});
