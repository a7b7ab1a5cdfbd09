import { afterEach, describe, expect, test, vi } from "vitest";
import { main } from "../../src/cli/main.ts";
import type { CoverageReport } from "../../src/spec/coverage.ts";
import { fixtureSpec } from "./fixture-paths.ts";

/** Runs the CLI in-process and returns its exit code and what it wrote to stdout and stderr. */
async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const decode = (chunk: string | Uint8Array): string =>
    typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk);
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    stdout += decode(chunk);
    return true;
  });
  vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    stderr += decode(chunk);
    return true;
  });
  const code = await main(["node", "msq-harness", ...args]);
  vi.restoreAllMocks();
  return { code, stdout, stderr };
}

afterEach(() => {
  process.exitCode = undefined;
});

describe("msq-harness spec", () => {
  test("coverage --json lists the 71 overview operations", async () => {
    const { code, stdout } = await run("spec", "coverage", "--json");
    const report = JSON.parse(stdout) as CoverageReport;
    expect(code).toBe(0);
    expect(report.overview).toEqual({ listed: 71, present: 71, missing: [] });
    expect(report.operations.filter((entry) => entry.overview)).toHaveLength(71);
  });

  test("coverage --json entries carry the flags", async () => {
    const { stdout } = await run("spec", "coverage", "--json", "--spec", fixtureSpec("valid"));
    const [entry] = (JSON.parse(stdout) as CoverageReport).operations;
    expect(Object.keys(entry ?? {})).toEqual(
      expect.arrayContaining([
        "method",
        "path",
        "operationId",
        "tag",
        "requestSchema",
        "successSchema",
        "eventSchemas",
      ]),
    );
  });

  test("coverage prints a table", async () => {
    const { stdout } = await run("spec", "coverage", "--spec", fixtureSpec("valid"));
    expect(stdout).toMatch(/^area\s+ops/);
  });

  test("lint exits 1 and names file and pointer", async () => {
    const { code, stdout } = await run("spec", "lint", "--spec", fixtureSpec("broken-ref"));
    expect(code).toBe(1);
    expect(stdout).toContain("test/fixtures/spec/broken-ref/paths/items.yaml:10");
    expect(stdout).toContain("#/~1v1~1items/get/responses/200/content/application~1json/schema");
  }, 120_000);

  test("lint rejects a bad timeout", async () => {
    vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const { code } = await run("spec", "lint", "--timeout", "soon");
    expect(code).toBe(2);
  });

  test.each([
    ["reports drift", "valid", "differs from the spec at line 1"],
    ["names a missing output", "no-such-fixture", 'committed "(file not found)"'],
  ])("generate --check %s", async (_case, out, expected) => {
    const { code, stdout } = await run(
      "spec",
      "generate",
      "--check",
      "--spec",
      fixtureSpec("valid"),
      "--out",
      fixtureSpec(out),
    );
    expect(code).toBe(1);
    expect(stdout).toContain(expected);
  });

  test.each([["coverage"], ["generate", "--check"]])(
    "%s lists the problems of a broken spec",
    async (...command) => {
      const { code, stderr } = await run("spec", ...command, "--spec", fixtureSpec("broken-ref"));
      expect(code).toBe(1);
      expect(stderr).toContain("msq-harness: Invalid OpenAPI document");
      expect(stderr).toContain("test/fixtures/spec/broken-ref/paths/items.yaml:10");
      expect(stderr).not.toContain("    at ");
    },
  );

  test("lint names a missing Redocly config", async () => {
    const { code, stderr } = await run(
      "spec",
      "lint",
      "--spec",
      fixtureSpec("valid"),
      "--config",
      "missing/redocly.yaml",
    );
    expect(code).toBe(2);
    expect(stderr).toContain("Redocly configuration not found:");
    expect(stderr).toContain("missing/redocly.yaml (option --config)");
  });

  test("lint names the timeout it exceeded", async () => {
    const { code, stderr } = await run("spec", "lint", "--spec", fixtureSpec("valid"), "--timeout", "1");
    expect(code).toBe(2);
    expect(stderr).toContain("redocly lint did not finish within 1 ms (option --timeout)");
  });

  test("unknown spec file is a configuration error", async () => {
    vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const { code } = await run("spec", "coverage", "--spec", "missing/openapi.yaml");
    expect(code).toBe(2);
  });
});
