import { describe, expect, test } from "vitest";
import { findResponseKey } from "../../src/validation/status-lookup.ts";

describe("findResponseKey", () => {
  test.each([
    { keys: ["200", "4XX", "default"], status: 200, key: "200" },
    { keys: ["200", "404", "4XX"], status: 404, key: "404" },
    { keys: ["200", "4XX", "default"], status: 418, key: "4XX" },
    { keys: ["200", "4xx"], status: 401, key: "4xx" },
    { keys: ["200", "4XX", "default"], status: 502, key: "default" },
    { keys: ["200", "401"], status: 500, key: undefined },
    { keys: ["201"], status: 200, key: undefined },
  ])("status $status in $keys", ({ keys, status, key }) => {
    expect(findResponseKey(keys, status)).toBe(key);
  });
});
