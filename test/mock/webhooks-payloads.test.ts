import { describe, expect, test } from "vitest";
import { renderTemplate, resolvePath } from "../../src/mock/areas/webhooks/payload-paths.ts";
import {
  applyPayloadTransform,
  parsePayloadTransform,
} from "../../src/mock/areas/webhooks/payload-transform.ts";
import {
  conditionsMet,
  parseConditions,
  type ConditionLeaf,
} from "../../src/mock/areas/webhooks/webhook-conditions.ts";
import { InvalidRequestError } from "../../src/mock/request-fields.ts";

/** A GitHub-like pull request delivery, as conditions and transforms see it. */
const ROOT = {
  body: {
    action: "opened",
    number: 42,
    count: 3,
    pull_request: {
      title: "Add retries",
      draft: false,
      user: { login: "ada" },
      labels: [{ name: "deploy" }, { name: "urgent-fix" }],
      milestone: null,
    },
    tags: ["a", "b"],
  },
  headers: { "x-github-event": "pull_request" },
};

describe("payload paths", () => {
  test("resolves nested keys", () => {
    expect(resolvePath(ROOT, "body.pull_request.user.login")).toEqual({
      resolved: true,
      values: ["ada"],
      wildcard: false,
    });
  });

  test("maps a wildcard over arrays", () => {
    expect(resolvePath(ROOT, "body.pull_request.labels.*.name").values).toEqual(["deploy", "urgent-fix"]);
  });

  test("keeps a null value resolved", () => {
    expect(resolvePath(ROOT, "body.pull_request.milestone")).toEqual({
      resolved: true,
      values: [null],
      wildcard: false,
    });
  });

  test.each(["body.missing", "body.action.length", "body.pull_request.user.*", "headers.cookie"])(
    "%s does not resolve",
    (path) => {
      expect(resolvePath(ROOT, path).resolved).toBe(false);
    },
  );

  test.each([
    [
      "keeps unknown placeholders",
      "PR {{number}} by {{pull_request.user.login}} {{nope}}",
      "keep",
      "PR 42 by ada {{nope}}",
    ],
    ["empties unknown placeholders", "[{{nope}}] {{ action }}", "empty", "[] opened"],
    ["renders objects as JSON", "{{pull_request.user}}", "keep", '{"login":"ada"}'],
    ["renders wildcards as JSON", "{{pull_request.labels.*.name}}", "keep", '["deploy","urgent-fix"]'],
  ] as const)("template %s", (_name, template, missing, expected) => {
    expect(renderTemplate(template, ROOT.body, missing)).toBe(expected);
  });
});

const leaf = (path: string, op: ConditionLeaf["op"], value?: ConditionLeaf["value"]): ConditionLeaf =>
  value === undefined ? { path, op } : { path, op, value };

describe("condition operators", () => {
  test.each([
    ["eq matches", leaf("body.action", "eq", "opened"), true],
    ["eq is strict", leaf("body.number", "eq", "42"), false],
    ["eq matches false", leaf("body.pull_request.draft", "eq", false), true],
    ["neq differs", leaf("body.action", "neq", "closed"), true],
    ["neq on missing path", leaf("body.nope", "neq", "x"), false],
    ["in lists", leaf("body.action", "in", ["opened", "reopened"]), true],
    ["in misses", leaf("body.action", "in", ["closed"]), false],
    ["nin misses", leaf("body.action", "nin", ["closed"]), true],
    ["nin on missing path", leaf("body.nope", "nin", ["closed"]), false],
    ["exists", leaf("body.number", "exists"), true],
    ["exists on null", leaf("body.pull_request.milestone", "exists"), true],
    ["exists on missing path", leaf("body.nope", "exists"), false],
    ["not_exists on missing path", leaf("body.nope", "not_exists"), true],
    ["not_exists on present path", leaf("body.action", "not_exists"), false],
    ["contains substring", leaf("body.pull_request.title", "contains", "retr"), true],
    ["contains is case-sensitive", leaf("body.pull_request.title", "contains", "RETR"), false],
    ["contains array element", leaf("body.tags", "contains", "b"), true],
    ["contains no partial element", leaf("body.tags", "contains", "bb"), false],
    ["startsWith prefix", leaf("body.pull_request.title", "startsWith", "Add"), true],
    ["startsWith on number", leaf("body.number", "startsWith", "4"), false],
    ["gt above", leaf("body.count", "gt", 2), true],
    ["gt equal", leaf("body.count", "gt", 3), false],
    ["lt below", leaf("body.count", "lt", 4), true],
    ["lt on string", leaf("body.action", "lt", 4), false],
    ["wildcard in any element", leaf("body.pull_request.labels.*.name", "in", ["deploy"]), true],
    ["wildcard nin every element", leaf("body.pull_request.labels.*.name", "nin", ["deploy"]), false],
    ["wildcard nin no element", leaf("body.pull_request.labels.*.name", "nin", ["release"]), true],
    ["wildcard contains", leaf("body.pull_request.labels.*.name", "contains", "urgent"), true],
    ["header path", leaf("headers.x-github-event", "eq", "pull_request"), true],
  ] as const)("%s", (_name, condition, expected) => {
    expect(conditionsMet({ all: [condition] }, ROOT)).toBe(expected);
  });
});

describe("condition groups", () => {
  const pass = leaf("body.action", "eq", "opened");
  const fail = leaf("body.action", "eq", "closed");

  test.each([
    ["all passes", { all: [pass, pass] }, true],
    ["all fails on one", { all: [pass, fail] }, false],
    ["any passes on one", { any: [fail, pass] }, true],
    ["any fails on none", { any: [fail, fail] }, false],
    ["both need both", { all: [pass], any: [fail] }, false],
    ["nested group", { all: [pass, { any: [fail, pass] }] }, true],
  ])("%s", (_name, group, expected) => {
    expect(conditionsMet(parseConditions(group, "conditions"), ROOT)).toBe(expected);
  });
});

/** Builds a group nested `depth` levels deep with one leaf at the bottom. */
function nested(depth: number): unknown {
  let group: unknown = { all: [{ path: "body.action", op: "exists" }] };
  for (let level = 1; level < depth; level += 1) group = { all: [group] };
  return group;
}

describe("condition validation", () => {
  test("accepts four levels", () => {
    expect(() => parseConditions(nested(4), "conditions")).not.toThrow();
  });

  test.each([
    ["five levels", nested(5)],
    ["33 leaves", { all: Array.from({ length: 33 }, () => ({ path: "body.a", op: "exists" })) }],
    ["empty group", {}],
    ["unknown group key", { every: [] }],
    ["unknown operator", { all: [{ path: "body.a", op: "matches", value: "x" }] }],
    ["missing path", { all: [{ op: "eq", value: 1 }] }],
    ["in without list", { all: [{ path: "body.a", op: "in", value: "x" }] }],
    ["gt with string", { all: [{ path: "body.a", op: "gt", value: "1" }] }],
    ["eq with object", { all: [{ path: "body.a", op: "eq", value: { a: 1 } }] }],
    ["unknown leaf key", { all: [{ path: "body.a", op: "exists", regex: ".*" }] }],
  ])("rejects %s", (_name, conditions) => {
    expect(() => parseConditions(conditions, "conditions")).toThrow(InvalidRequestError);
  });
});

describe("payload transform", () => {
  test("applies every directive", () => {
    const transform = parsePayloadTransform({
      title: { $path: "body.pull_request.title" },
      summary: { $template: "PR #{{body.number}} by {{body.pull_request.user.login}}{{body.nope}}" },
      labels: { $join: { path: "body.pull_request.labels.*.name", separator: ", " } },
      tags: { $join: { path: "body.tags" } },
      milestone: { $path: "body.pull_request.milestone.title", $default: "none" },
      reviewer: { $path: "body.reviewer" },
      missingJoin: { $join: { path: "body.nope" }, $default: "-" },
      names: { $path: "body.pull_request.labels.*.name" },
      source: "github",
      nested: { event: { $path: "headers.x-github-event" }, fixed: [1, { $path: "body.number" }] },
    });
    expect(applyPayloadTransform(transform, ROOT)).toEqual({
      title: "Add retries",
      summary: "PR #42 by ada",
      labels: "deploy, urgent-fix",
      tags: "a,b",
      milestone: "none",
      reviewer: null,
      missingJoin: "-",
      names: ["deploy", "urgent-fix"],
      source: "github",
      nested: { event: "pull_request", fixed: [1, 42] },
    });
  });

  test.each([
    ["invalid key", { "bad key": "x" }],
    ["unknown directive", { a: { $regex: "x" } }],
    ["template with default", { a: { $template: "x", $default: "y" } }],
    ["long template", { a: { $template: "x".repeat(2001) } }],
    ["join without path", { a: { $join: { separator: "," } } }],
    ["join default not string", { a: { $join: { path: "body.a" }, $default: 1 } }],
    ["path default object", { a: { $path: "body.a", $default: { b: 1 } } }],
    ["65 keys", Object.fromEntries(Array.from({ length: 65 }, (_, index) => [`k${index}`, index]))],
    ["five levels", { a: { b: { c: { d: { e: 1 } } } } }],
    ["not an object", ["a"]],
  ])("rejects %s", (_name, transform) => {
    expect(() => parsePayloadTransform(transform)).toThrow(InvalidRequestError);
  });

  test("accepts four levels", () => {
    expect(() => parsePayloadTransform({ a: { b: { c: { d: 1 } } } })).not.toThrow();
  });
});
