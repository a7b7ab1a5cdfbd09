import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createMswHandlers } from "../../src/mock/adapters/msw.ts";
import { MockDeployment } from "../../src/mock/deployment.ts";
import { startMock, type RunningMock } from "../../src/mock/server.ts";
import { TEST_KEYS, sendCase, type MockExchange } from "./support/mock-exchange.ts";
import { REQUEST_CATALOG } from "./support/request-catalog.ts";

/** Origin whose requests the msw handlers take in this test; nothing listens there. */
const MSW_ORIGIN = "http://127.0.0.1:4999";

let httpMock: RunningMock;
const mswServer = setupServer();

beforeAll(async () => {
  httpMock = await startMock();
  const deployment = await MockDeployment.create();
  mswServer.use(...createMswHandlers(deployment, MSW_ORIGIN));
  mswServer.listen({ onUnhandledRequest: "bypass" });
});

afterAll(async () => {
  mswServer.close();
  await httpMock.close();
});

/** Replaces values that depend on the clock, which two deployments cannot share. */
function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalize);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [key, key === "created" ? "<created>" : normalize(inner)]),
    );
  }
  return value;
}

function comparable(exchange: MockExchange): unknown {
  if (exchange.events !== undefined) {
    return exchange.events.map((data) => (data === "[DONE]" ? data : normalize(JSON.parse(data))));
  }
  if (exchange.json !== undefined) return normalize(exchange.json);
  return Buffer.from(exchange.bytes).toString("base64");
}

describe("mock adapters", () => {
  // The catalog runs in order on both deployments, so their stores and id sequences stay in step.
  test.each(REQUEST_CATALOG.map((testCase) => [testCase.name, testCase] as const))(
    "%s responds alike",
    async (_name, testCase) => {
      const overHttp = await sendCase(httpMock.origin, testCase);
      const inProcess = await sendCase(MSW_ORIGIN, testCase);

      expect(overHttp.status).toBe(testCase.expectedStatus);
      expect(inProcess.status).toBe(overHttp.status);
      expect(inProcess.contentType).toBe(overHttp.contentType);
      expect(comparable(inProcess)).toEqual(comparable(overHttp));
    },
  );
});

/** A multipart upload of one file part whose headers are written out by hand. */
function uploadBody(fileHeaders: string): { body: string; contentType: string } {
  const boundary = "parity-boundary";
  const body =
    `--${boundary}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nvector_store\r\n` +
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="notes.txt"\r\n${fileHeaders}\r\n` +
    `hello\r\n--${boundary}--\r\n`;
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Uploads a file at `origin` and returns the Content-Type its content download carries. */
async function storedFileType(origin: string, fileHeaders: string): Promise<string | null> {
  const { body, contentType } = uploadBody(fileHeaders);
  const headers = { "x-api-key": TEST_KEYS["alice"] ?? "" };
  const upload = await fetch(`${origin}/v1/files`, {
    method: "POST",
    headers: { ...headers, "content-type": contentType },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  expect(upload.status).toBe(200);
  const { id } = (await upload.json()) as { id: string };
  const download = await fetch(`${origin}/v1/files/${id}/content`, { headers, signal: AbortSignal.timeout(10_000) });
  await download.arrayBuffer();
  return download.headers.get("content-type");
}

describe("mock adapters, multipart file types", () => {
  test.each([
    ["with parameters", "Content-Type: text/plain; charset=utf-8\r\n", "text/plain; charset=utf-8"],
    ["quoted parameter", 'Content-Type: text/csv; charset="utf-8"; header=present\r\n', 'text/csv; charset="utf-8"; header=present'],
    ["without Content-Type", "", "application/octet-stream"],
    ["empty Content-Type", "Content-Type: \r\n", "application/octet-stream"],
  ])("file type %s is kept alike", async (_name, fileHeaders, expected) => {
    const overHttp = await storedFileType(httpMock.origin, fileHeaders);
    const inProcess = await storedFileType(MSW_ORIGIN, fileHeaders);

    expect(overHttp).toBe(expected);
    expect(inProcess).toBe(expected);
  });
});
