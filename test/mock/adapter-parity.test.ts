import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createMswHandlers } from "../../src/mock/adapters/msw.ts";
import { MockDeployment } from "../../src/mock/deployment.ts";
import { startMock, type RunningMock } from "../../src/mock/server.ts";
import { sendCase, type MockExchange } from "./support/mock-exchange.ts";
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
