import { describe, expect, test } from "vitest";
import { fillPath } from "../../suites/support/account-client.ts";

describe("fillPath", () => {
  test("encodes each parameter as one segment", () => {
    expect(fillPath("/v1/agents/{name}/share/{user}", { name: "a b/c", user: "x?y" })).toBe(
      "/v1/agents/a%20b%2Fc/share/x%3Fy",
    );
  });

  test("names a missing parameter", () => {
    expect(() => fillPath("/v1/agents/{name}", {})).toThrow(
      "Path /v1/agents/{name} needs the parameter name.",
    );
  });

  test.each(["", ".", ".."])("rejects %j as a segment", (value) => {
    expect(() => fillPath("/v1/core/factories/{id}", { id: value })).toThrow(
      `Invalid id ${JSON.stringify(value)} for path /v1/core/factories/{id}`,
    );
  });
});
