import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startMock, type RunningMock } from "../../src/mock/server.ts";
import { ValidatorRegistry } from "../../src/validation/validator-registry.ts";
import { sendCase } from "./support/mock-exchange.ts";
import { REQUEST_CATALOG } from "./support/request-catalog.ts";

let mock: RunningMock;
let registry: ValidatorRegistry;

beforeAll(async () => {
  mock = await startMock();
  registry = await ValidatorRegistry.load();
});

afterAll(async () => {
  await mock.close();
});

describe("mock responses", () => {
  test.each(REQUEST_CATALOG.map((testCase) => [testCase.name, testCase] as const))(
    "%s conforms to the spec",
    async (_name, testCase) => {
      const exchange = await sendCase(mock.origin, testCase);
      expect(exchange.status).toBe(testCase.expectedStatus);

      const failures = registry.validateResponse({
        operationId: testCase.operationId,
        status: exchange.status,
        contentType: exchange.contentType,
        body: exchange.events === undefined ? exchange.bytes : "",
      });
      expect(failures).toEqual([]);

      for (const data of exchange.events ?? []) {
        const result = registry.validateEvent({
          operationId: testCase.operationId,
          status: exchange.status,
          data,
        });
        expect(result.failures).toEqual([]);
      }
      if (exchange.events !== undefined) {
        const terminator = registry.sseRules(testCase.operationId, exchange.status).terminator;
        expect(exchange.events.at(-1)).toBe(terminator);
      }
    },
  );

  test("every operation of the first areas is exercised", () => {
    const areas = new Set(["Models", "Chat", "Embeddings", "Audio", "Providers", "Voices"]);
    const documented = registry
      .operations()
      .filter((operation) => areas.has(operation.tag))
      .map((operation) => operation.operationId)
      .sort();
    const exercised = [...new Set(REQUEST_CATALOG.map((testCase) => testCase.operationId))].sort();
    expect(exercised).toEqual(documented);
  });
});
