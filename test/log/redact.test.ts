import { describe, expect, test } from "vitest";
import { REDACTED, redactHeaders, redactJson, redactText, registerSecret } from "../../src/log/redact.ts";

describe("redactText", () => {
  test.each([
    ["msq- key in prose", "key msq-test-alice-00000000000000000001 here", "key *** here"],
    ["Bearer token", "Authorization: Bearer abcdef123456", "Authorization: ***"],
    ["x-api-key pair", "-H 'x-api-key: legacy-test-alice-0000000000000001'", "-H 'x-api-key: ***'"],
    ["project name", "msq-harness-bench-20261204-abcdef", "msq-harness-bench-20261204-abcdef"],
    ["short model name", "model msq-mock-chat", "model msq-mock-chat"],
  ])("%s", (_case, input, expected) => {
    expect(redactText(input)).toBe(expected);
  });

  test("registered secret without a key shape", () => {
    registerSecret("canary-secret-value-7731");
    expect(redactText("sent canary-secret-value-7731 twice: canary-secret-value-7731")).toBe(
      `sent ${REDACTED} twice: ${REDACTED}`,
    );
  });
});

describe("redactHeaders", () => {
  test("secret headers in any case", () => {
    const redacted = redactHeaders({
      "X-Api-Key": "k1",
      Authorization: "Bearer k2",
      "content-type": "application/json",
    });
    expect(redacted["X-Api-Key"]).toBe(REDACTED);
    expect(redacted["Authorization"]).toBe(REDACTED);
    expect(redacted["content-type"]).toBe("application/json");
  });
});

describe("redactJson", () => {
  test("nested secret fields", () => {
    const redacted = redactJson({
      providerKey: "openai",
      apiKey: "sk-live-1",
      nested: [{ client_secret: "s" }],
    });
    expect(redacted).toEqual({
      providerKey: "openai",
      apiKey: REDACTED,
      nested: [{ client_secret: REDACTED }],
    });
  });
});

describe("redactText on serialized headers", () => {
  test.each([
    ["JSON header pair", '{"x-api-key":"abc123def456","accept":"*/*"}', '{"x-api-key":"***","accept":"*/*"}'],
    ["JSON Bearer pair", '{"authorization": "Bearer abc123def456"}', '{"authorization": "***"}'],
    ["header block line", "authorization: Bearer abc123def456\r\nhost: x", "authorization: ***\r\nhost: x"],
  ])("%s", (_case, input, expected) => {
    expect(redactText(input)).toBe(expected);
  });
});

describe("redactText on curl reproductions", () => {
  test.each([
    ["x-api-key variable", "curl -H 'x-api-key: $MSQ_API_KEY' http://127.0.0.1:4010/v1/models"],
    ["Bearer variable", "curl -H 'Authorization: Bearer $MSQ_API_KEY_2' http://127.0.0.1:4010/v1/models"],
  ])("%s kept", (_case, input) => {
    expect(redactText(input)).toBe(input);
  });
});

describe("redactText on URLs", () => {
  test.each([
    [
      "api_key parameter",
      "http://127.0.0.1:1/v1?api_key=abc123&x=1",
      "http://127.0.0.1:1/v1?api_key=***&x=1",
    ],
    [
      "token parameter",
      "https://host.invalid/cb?state=s&token=t0k3n",
      "https://host.invalid/cb?state=s&token=***",
    ],
    ["unrelated parameter", "http://127.0.0.1:1/v1?limit=5", "http://127.0.0.1:1/v1?limit=5"],
  ])("%s", (_case, input, expected) => {
    expect(redactText(input)).toBe(expected);
  });
});
