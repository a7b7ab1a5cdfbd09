import { describe, expect, test } from "vitest";
import { loadSpec } from "../../src/spec/load-spec.ts";
import { checkSchemasStrict } from "../../src/validation/strict-schema-check.ts";
import { fixtureFile, fixtureSpec } from "../spec/fixture-paths.ts";

describe("checkSchemasStrict", () => {
  test("reports each strict-mode problem once at its schema", async () => {
    const problems = checkSchemasStrict(await loadSpec(fixtureSpec("strict-violations")));
    const file = fixtureFile("strict-violations", "schemas/items.yaml");
    expect(problems.map((problem) => [problem.file, problem.pointer, problem.rule])).toEqual([
      [file, "/Item/properties/id", "ajv-strict"],
      [file, "/Item/properties/owner/anyOf/0", "ajv-strict"],
    ]);
    expect(problems[0]?.message).toContain('unknown keyword: "minimumLength"');
    expect(problems[1]?.message).toContain('missing type "object" for keyword "properties"');
  });

  test("conforming document has no problems", async () => {
    expect(checkSchemasStrict(await loadSpec(fixtureSpec("valid")))).toEqual([]);
  });
});
