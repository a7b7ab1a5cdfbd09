import { describe, expect, test } from "vitest";
import { bodyExcerpt } from "../../src/contract/contract-check.ts";
import { truncateMessage } from "../../src/bench/request-outcome.ts";
import { registerSecret } from "../../src/log/redact.ts";
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

  test("redacts a key before cutting it", () => {
    const key = "plainsecretkey0123456789abcdefghij";
    registerSecret(key);
    // The cut falls inside the key, so redacting after the cut would keep its first half.
    const text = `${"p".repeat(100)} ${key}`;
    const fragment = key.slice(0, 12);
    expect(formatValue(text, 120)).not.toContain(fragment);
    expect(truncateMessage(text, 120)).not.toContain(fragment);
    const exchange = { response: { status: 500, headers: {}, body: new TextEncoder().encode(text) } };
    expect(bodyExcerpt(exchange as never, 120)).not.toContain(fragment);
  });
});
