import { appendFileSync, cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { ConfigError } from "../../src/config/config-error.ts";
import { loadSpec } from "../../src/spec/load-spec.ts";
import { SpecLoadError } from "../../src/spec/spec-load-error.ts";
import type { SpecProblem } from "../../src/spec/spec-problem.ts";
import { fixtureFile, fixtureSpec } from "./fixture-paths.ts";

async function problemsOf(fixture: string): Promise<SpecProblem[]> {
  const error = await loadSpec(fixtureSpec(fixture)).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(SpecLoadError);
  return [...(error as SpecLoadError).problems];
}

describe("loadSpec", () => {
  test("bundles components under their schema names", async () => {
    const { document } = await loadSpec(fixtureSpec("valid"));
    expect(Object.keys(document.components?.schemas ?? {})).toEqual(
      expect.arrayContaining(["Widget", "WidgetList", "ErrorBody", "TickEvent", "StreamError"]),
    );
  });

  test("caches the bundle per path", async () => {
    const first = await loadSpec(fixtureSpec("valid"));
    const second = await loadSpec(fixtureSpec("valid"));
    expect(second).toBe(first);
  });

  test("broken $ref names file, pointer and problem", async () => {
    const [problem, ...rest] = await problemsOf("broken-ref");
    expect(rest).toEqual([]);
    expect(problem?.file).toBe(fixtureFile("broken-ref", "paths/items.yaml"));
    expect(problem?.pointer).toBe("/~1v1~1items/get/responses/200/content/application~1json/schema");
    expect(problem?.line).toBe(10);
    expect(problem?.message).toContain(`Can't resolve $ref "../schemas/items.yaml#/ItemList"`);
    expect(problem?.rule).toBe("bundler");
  });

  test("invalid schema names file, pointer and problem", async () => {
    const problems = await problemsOf("invalid-schema");
    const file = fixtureFile("invalid-schema", "schemas/items.yaml");
    expect(problems.map((problem) => [problem.file, problem.pointer, problem.rule])).toEqual([
      [file, "/Item/properties/id/type", "json-schema"],
      [file, "/Item/properties/size/minimum", "json-schema"],
    ]);
    expect(problems[0]?.message).toContain('received "strin"');
    expect(problems[1]?.message).toContain("`minimum` must be number");
  });

  test("OpenAPI structure error names file and pointer", async () => {
    const [problem] = await problemsOf("invalid-openapi");
    expect(problem?.file).toBe(fixtureFile("invalid-openapi", "paths/items.yaml"));
    expect(problem?.pointer).toBe("/~1v1~1items/get/responses/200");
    expect(problem?.message).toContain("must have required property 'description'");
    expect(problem?.rule).toBe("swagger-parser");
  });

  test("component name collision is an error", async () => {
    const [problem] = await problemsOf("collision");
    expect(problem?.file).toBe(fixtureFile("collision", "paths/items.yaml"));
    expect(problem?.pointer).toBe("/~1v1~1items/get/responses/201/content/application~1json/schema");
    expect(problem?.message).toContain("Renamed Item to Item-2");
  });

  test("error message lists every problem with its location", async () => {
    const error = await loadSpec(fixtureSpec("invalid-schema")).catch((caught: unknown) => caught);
    expect((error as Error).message).toContain(
      "test/fixtures/spec/invalid-schema/schemas/items.yaml:5 #/Item/properties/id/type",
    );
    expect((error as Error).message).toContain("schemas/items.yaml:8 #/Item/properties/size/minimum");
  });

  test("missing file is a configuration error", async () => {
    await expect(loadSpec(fixtureSpec("does-not-exist"))).rejects.toBeInstanceOf(ConfigError);
  });

  describe("with a damaged copy of a fixture", () => {
    const directory = mkdtempSync(join(tmpdir(), "msq-load-spec-"));

    afterAll(() => {
      rmSync(directory, { recursive: true, force: true });
    });

    /** Copies the valid fixture to a new folder, applies `damage` to it and returns its root path. */
    function damagedCopy(name: string, damage: (root: string) => void): string {
      const root = join(directory, name, "openapi.yaml");
      cpSync(dirname(fixtureSpec("valid")), dirname(root), { recursive: true });
      damage(root);
      return root;
    }

    async function loadProblems(root: string): Promise<SpecProblem[]> {
      const error = await loadSpec(root).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(SpecLoadError);
      return [...(error as SpecLoadError).problems];
    }

    test("an empty root is a load problem", async () => {
      const root = damagedCopy("empty", (path) => writeFileSync(path, ""));
      const problems = await loadProblems(root);
      expect(problems).toHaveLength(1);
      expect(problems[0]?.file).toBe(root);
      expect(problems[0]?.message).toMatch(/^Failed to bundle the document: .*"openapi" field$/);
    });

    test("a file that fails to parse is reported once", async () => {
      const root = damagedCopy("unparsable", (path) =>
        appendFileSync(join(dirname(path), "paths/widgets.yaml"), "  broken: [unclosed\n"),
      );
      const problems = await loadProblems(root);
      const parseFailures = problems.filter((problem) => problem.message.startsWith("Failed to parse"));
      expect(parseFailures).toHaveLength(1);
    });
  });
});
