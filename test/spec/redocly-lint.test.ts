import { beforeAll, describe, expect, test } from "vitest";
import { runRedoclyLint } from "../../src/spec/redocly-lint.ts";
import type { SpecProblem } from "../../src/spec/spec-problem.ts";
import { fixtureFile, fixtureSpec } from "./fixture-paths.ts";

let problems: SpecProblem[];

beforeAll(async () => {
  problems = await runRedoclyLint(fixtureSpec("lint-violations"));
}, 120_000);

const file = fixtureFile("lint-violations", "paths/items.yaml");

describe("runRedoclyLint with redocly.yaml", () => {
  test.each([
    { rule: "rule/secured-operation-declares-401", pointer: "/~1v1~1items/get/responses" },
    {
      rule: "rule/event-stream-has-x-sse",
      pointer: "/~1v1~1items/post/responses/200/content/text~1event-stream/x-sse",
    },
    {
      rule: "rule/media-type-has-schema",
      pointer: "/~1v1~1items/post/responses/400/content/application~1json/schema",
    },
    { rule: "rule/response-has-content", pointer: "/~1v1~1items~1{id}/get/responses/401" },
    {
      rule: "no-invalid-schema-examples",
      pointer: "/~1v1~1items~1{id}/get/responses/200/content/application~1json/schema/examples/0/id",
    },
  ])("$rule reports at its pointer", ({ rule, pointer }) => {
    const found = problems.filter((problem) => problem.rule === rule);
    expect(found.map((problem) => [problem.file, problem.pointer, problem.severity])).toEqual([
      [file, pointer, "error"],
    ]);
  });

  test("public operation needs no 401", () => {
    const pointers = problems
      .filter((problem) => problem.rule === "rule/secured-operation-declares-401")
      .map((problem) => problem.pointer);
    expect(pointers).not.toContain("/~1v1~1callback/get/responses");
  });

  test("bodiless 204 needs no content", () => {
    const pointers = problems
      .filter((problem) => problem.rule === "rule/response-has-content")
      .map((p) => p.pointer);
    expect(pointers).not.toContain("/~1v1~1items~1{id}/get/responses/204");
  });

  test("problems carry their line", () => {
    const problem = problems.find((entry) => entry.rule === "rule/response-has-content");
    expect(problem?.line).toBe(63);
  });
});
