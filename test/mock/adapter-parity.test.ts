import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startMock, type RunningMock } from "../../src/mock/server.ts";
import { expectAnswersAlike, startMswDeployment, type MswDeployment } from "./support/adapter-pair.ts";
import { TEST_KEYS, sendCase } from "./support/mock-exchange.ts";
import { REQUEST_CATALOG } from "./support/request-catalog.ts";

/** Origin whose requests the msw handlers take in this test; nothing listens there. */
const MSW_ORIGIN = "http://127.0.0.1:4999";

let httpMock: RunningMock;
let msw: MswDeployment;

beforeAll(async () => {
  httpMock = await startMock();
  msw = await startMswDeployment(MSW_ORIGIN);
});

afterAll(async () => {
  msw.close();
  await httpMock.close();
});

describe("mock adapters", () => {
  // The catalog runs in order on both deployments, so their stores and id sequences stay in step.
  test.each(REQUEST_CATALOG.map((testCase) => [testCase.name, testCase] as const))(
    "%s responds alike",
    async (_name, testCase) => {
      const overHttp = await sendCase(httpMock.origin, testCase);
      const inProcess = await sendCase(MSW_ORIGIN, testCase);

      expectAnswersAlike(overHttp, inProcess, testCase.expectedStatus);
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
  const download = await fetch(`${origin}/v1/files/${id}/content`, {
    headers,
    signal: AbortSignal.timeout(10_000),
  });
  await download.arrayBuffer();
  return download.headers.get("content-type");
}

describe("mock adapters, multipart file types", () => {
  test.each([
    ["with parameters", "Content-Type: text/plain; charset=utf-8\r\n", "text/plain; charset=utf-8"],
    [
      "quoted parameter",
      'Content-Type: text/csv; charset="utf-8"; header=present\r\n',
      'text/csv; charset="utf-8"; header=present',
    ],
    ["without Content-Type", "", "application/octet-stream"],
    ["empty Content-Type", "Content-Type: \r\n", "application/octet-stream"],
  ])("file type %s is kept alike", async (_name, fileHeaders, expected) => {
    const overHttp = await storedFileType(httpMock.origin, fileHeaders);
    const inProcess = await storedFileType(MSW_ORIGIN, fileHeaders);

    expect(overHttp).toBe(expected);
    expect(inProcess).toBe(expected);
  });
});
