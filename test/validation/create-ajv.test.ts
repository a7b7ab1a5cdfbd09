import { describe, expect, test } from "vitest";
import { collectExtensionKeywords, createAjv } from "../../src/validation/create-ajv.ts";

describe("createAjv", () => {
  test("knows the OpenAPI binary format", () => {
    const validate = createAjv([]).compile({ type: "string", format: "binary" });
    expect(validate("raw bytes")).toBe(true);
  });

  test("checks int32 bounds", () => {
    const validate = createAjv([]).compile({ type: "integer", format: "int32" });
    expect(validate(2 ** 31)).toBe(false);
  });

  test("accepts declared x- keywords and example", () => {
    const schema = { type: "object", "x-inferred": true, example: {}, examples: [{}] };
    expect(() => createAjv(["x-inferred"]).compile(schema)).not.toThrow();
  });

  test("rejects undeclared keywords", () => {
    expect(() => createAjv([]).compile({ type: "string", "x-unknown": 1 })).toThrow(
      /unknown keyword: "x-unknown"/,
    );
  });

  test("reports type strictness as a warning", () => {
    const warnings: string[] = [];
    createAjv([], {}, (message) => warnings.push(message)).compile({
      anyOf: [{ properties: { a: { type: "string" } } }],
    });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('missing type "object" for keyword "properties"');
  });
});

describe("collectExtensionKeywords", () => {
  test("finds x- keys at any depth", () => {
    const found = collectExtensionKeywords({
      "x-a": 1,
      paths: { "/p": { get: { "x-b": [{ "x-c": true }] } } },
    });
    expect([...found].sort()).toEqual(["x-a", "x-b", "x-c"]);
  });
});
