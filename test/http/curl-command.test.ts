import { describe, expect, test } from "vitest";
import { renderCurl, singleQuote } from "../../src/http/curl-command.ts";
import type { ExchangeRequest } from "../../src/http/exchange.ts";
import { registerSecret } from "../../src/log/redact.ts";

function request(overrides: Partial<ExchangeRequest>): ExchangeRequest {
  return {
    method: "GET",
    url: "http://127.0.0.1:4010/v1/models",
    path: "/v1/models",
    headers: {},
    body: { kind: "none" },
    credential: { scheme: "x-api-key", variable: "MSQ_API_KEY" },
    ...overrides,
  };
}

describe("renderCurl", () => {
  test("refers to the key variable", () => {
    expect(renderCurl(request({}))).toBe(
      `curl -sS -X GET 'http://127.0.0.1:4010/v1/models' -H "x-api-key: $MSQ_API_KEY"`,
    );
  });

  test("Bearer with the second key", () => {
    expect(renderCurl(request({ credential: { scheme: "bearer", variable: "MSQ_API_KEY_2" } }))).toBe(
      `curl -sS -X GET 'http://127.0.0.1:4010/v1/models' -H "Authorization: Bearer $MSQ_API_KEY_2"`,
    );
  });

  test("made-up probe key is redacted", () => {
    expect(renderCurl(request({ credential: { scheme: "x-api-key", variable: undefined } }))).toContain(
      `-H "x-api-key: ***"`,
    );
  });

  test("no credential sends no header", () => {
    expect(renderCurl(request({ credential: { scheme: "none", variable: undefined } }))).toBe(
      "curl -sS -X GET 'http://127.0.0.1:4010/v1/models'",
    );
  });

  test("JSON body with a quote and a secret field", () => {
    const line = renderCurl(
      request({
        method: "POST",
        url: "http://127.0.0.1:4010/v1/core/add/provider",
        headers: { "content-type": "application/json" },
        body: { kind: "json", value: { providerKey: "openai", apiKey: "sk-live-secret-123", note: "it's" } },
      }),
    );
    expect(line).toBe(
      `curl -sS -X POST 'http://127.0.0.1:4010/v1/core/add/provider' -H "x-api-key: $MSQ_API_KEY" ` +
        `-H 'content-type: application/json' --data-binary '{"providerKey":"openai","apiKey":"***","note":"it'\\''s"}'`,
    );
  });

  test("streaming request gets -N", () => {
    const line = renderCurl(
      request({ method: "POST", body: { kind: "json", value: { model: "m", stream: true } } }),
    );
    expect(line.startsWith("curl -sS -N -X POST")).toBe(true);
  });

  test("multipart fields and files", () => {
    const line = renderCurl(
      request({
        method: "POST",
        headers: { "content-type": "multipart/form-data; boundary=x" },
        body: {
          kind: "multipart",
          fields: [
            { name: "providerKey", value: "openai" },
            { name: "file", filename: "hello.wav", contentType: "audio/wav", data: new Uint8Array(4) },
          ],
        },
      }),
    );
    expect(line).toBe(
      `curl -sS -X POST 'http://127.0.0.1:4010/v1/models' -H "x-api-key: $MSQ_API_KEY" ` +
        `-F 'providerKey=openai' -F 'file=@hello.wav;type=audio/wav'`,
    );
  });

  test("registered secrets in URLs are redacted", () => {
    registerSecret("webhook-secret-value-42");
    const line = renderCurl(
      request({ url: "http://127.0.0.1:4010/webhooks/trigger/wh_1?token=webhook-secret-value-42" }),
    );
    expect(line).not.toContain("webhook-secret-value-42");
  });
});

describe("singleQuote", () => {
  test.each([
    ["plain", "'plain'"],
    ["it's", "'it'\\''s'"],
    ["$HOME", "'$HOME'"],
  ])("%s", (text, quoted) => {
    expect(singleQuote(text)).toBe(quoted);
  });
});
