import { describe, expect, test } from "vitest";
import { formatValue } from "../../src/validation/format-value.ts";

describe("formatValue", () => {
  test.each([
    { value: { a: 1 }, text: '{"a":1}' },
    { value: "text", text: '"text"' },
    { value: undefined, text: "undefined" },
    { value: new Uint8Array(5), text: "<5 bytes>" },
    { value: "x".repeat(10), maxLength: 6, text: '"xxxx…' },
  ])("renders $text", ({ value, maxLength, text }) => {
    expect(formatValue(value, maxLength)).toBe(text);
  });

  test("keeps the result within the limit", () => {
    expect(formatValue("y".repeat(1000)).length).toBe(200);
  });
});
