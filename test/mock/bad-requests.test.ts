import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { BODY_LIMITS } from "../../src/mock/request-body.ts";
import { startMock, type RunningMock } from "../../src/mock/server.ts";
import {
  resolveReference,
  type RequestBodyObject,
  type SchemaObject,
} from "../../src/spec/openapi-document.ts";
import { ValidatorRegistry, type OperationInfo } from "../../src/validation/validator-registry.ts";
import { TEST_KEYS, readExchange, type MockExchange } from "./support/mock-exchange.ts";
import { REQUEST_CATALOG } from "./support/request-catalog.ts";

const AREAS = new Set(["Models", "Chat", "Embeddings", "Audio", "Providers", "Voices"]);
const RUNS_PER_OPERATION = 20;

let mock: RunningMock;
let registry: ValidatorRegistry;
let operationsWithBody: OperationInfo[];

beforeAll(async () => {
  mock = await startMock();
  registry = await ValidatorRegistry.load();
  operationsWithBody = registry
    .operations()
    .filter((operation) => AREAS.has(operation.tag) && operation.operation.requestBody !== undefined);
});

afterAll(async () => {
  await mock.close();
});

async function send(operation: OperationInfo, body: BodyInit, contentType: string): Promise<MockExchange> {
  const response = await fetch(`${mock.origin}${operation.path.replace("{name}", "narrator")}`, {
    method: operation.method,
    headers: { "x-api-key": TEST_KEYS["alice"] ?? "", "content-type": contentType },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  return readExchange(response);
}

/** Expects a documented 4xx whose body validates against the spec. */
function expectDocumentedClientError(operation: OperationInfo, exchange: MockExchange): void {
  expect(exchange.status).toBeGreaterThanOrEqual(400);
  expect(exchange.status).toBeLessThan(500);
  const failures = registry.validateResponse({
    operationId: operation.operationId,
    status: exchange.status,
    contentType: exchange.contentType,
    body: exchange.bytes,
  });
  expect(failures).toEqual([]);
}

/** Returns a valid body of the operation from the request catalog, to mutate one field at a time. */
function validBody(operationId: string): Record<string, unknown> | undefined {
  const found = REQUEST_CATALOG.find(
    (testCase) =>
      testCase.operationId === operationId &&
      testCase.expectedStatus === 200 &&
      typeof testCase.json === "object",
  );
  return found?.json as Record<string, unknown> | undefined;
}

/** Returns the `required` list of the operation's JSON request body schema. */
function requiredFields(operation: OperationInfo): string[] {
  const document = registry.spec.document;
  if (operation.operation.requestBody === undefined) return [];
  const requestBody = resolveReference<RequestBodyObject>(document, operation.operation.requestBody);
  const schema = requestBody.content?.["application/json"]?.schema;
  if (schema === undefined) return [];
  return resolveReference<SchemaObject>(document, schema).required ?? [];
}

const nonObjectJson = fc
  .jsonValue()
  .filter((value) => value === null || typeof value !== "object" || Array.isArray(value));
const unknownFieldsObject = fc.dictionary(
  fc.string().map((key) => `x_${key}`),
  fc.jsonValue(),
  { maxKeys: 5 },
);
const nonStringValue = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.object({ maxDepth: 1 }),
);

describe("mock under bad requests", () => {
  test("malformed JSON gets 400", async () => {
    for (const operation of operationsWithBody) {
      const json =
        operation.operation.requestBody !== undefined && operation.operationId !== "createTranscription";
      if (!json) continue;
      const exchange = await send(operation, '{"model": "msq-mock-chat", "messages": [', "application/json");
      expect(exchange.status, operation.operationId).toBe(400);
      expectDocumentedClientError(operation, exchange);
    }
  });

  test("wrong content type gets 4xx", async () => {
    for (const operation of operationsWithBody) {
      const exchange = await send(operation, "model=msq-mock-chat", "text/plain");
      expectDocumentedClientError(operation, exchange);
    }
  });

  test("oversized JSON body gets 4xx", async () => {
    const operation = registry.operation("createChatCompletion");
    const exchange = await send(operation, `"${"x".repeat(BODY_LIMITS.jsonBytes)}"`, "application/json");
    expectDocumentedClientError(operation, exchange);
  });

  test("random JSON bodies get 4xx", async () => {
    for (const operation of operationsWithBody) {
      if (operation.operationId === "createTranscription") continue;
      await fc.assert(
        fc.asyncProperty(fc.oneof(nonObjectJson, unknownFieldsObject), async (body) => {
          expectDocumentedClientError(
            operation,
            await send(operation, JSON.stringify(body), "application/json"),
          );
        }),
        { numRuns: RUNS_PER_OPERATION },
      );
    }
  });

  test("wrongly typed required fields get 4xx", async () => {
    for (const operation of operationsWithBody) {
      const body = validBody(operation.operationId);
      if (body === undefined) continue;
      const required = requiredFields(operation);
      const fields = Object.keys(body).filter(
        (field) => required.includes(field) && typeof body[field] === "string",
      );
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...fields), nonStringValue, async (field, value) => {
          const mutated = { ...body, [field]: value };
          expectDocumentedClientError(
            operation,
            await send(operation, JSON.stringify(mutated), "application/json"),
          );
        }),
        { numRuns: RUNS_PER_OPERATION },
      );
    }
  });

  test("random multipart forms get 4xx", async () => {
    const operation = registry.operation("createTranscription");
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.string({ minLength: 1 }), fc.string(), { maxKeys: 6 }),
        async (fields) => {
          const form = new FormData();
          for (const [name, value] of Object.entries(fields)) form.append(name, value);
          const response = await fetch(`${mock.origin}${operation.path}`, {
            method: "POST",
            headers: { "x-api-key": TEST_KEYS["alice"] ?? "" },
            body: form,
            signal: AbortSignal.timeout(10_000),
          });
          expectDocumentedClientError(operation, await readExchange(response));
        },
      ),
      { numRuns: RUNS_PER_OPERATION },
    );
  });

  test("truncated multipart body gets 4xx", async () => {
    const operation = registry.operation("createTranscription");
    const body = '--boundary\r\nContent-Disposition: form-data; name="providerKey"\r\n\r\nopenai';
    const exchange = await send(operation, body, "multipart/form-data; boundary=boundary");
    expectDocumentedClientError(operation, exchange);
  });

  test("server still responds afterwards", async () => {
    const response = await fetch(`${mock.baseUrl}/models`, {
      headers: { "x-api-key": TEST_KEYS["alice"] ?? "" },
      signal: AbortSignal.timeout(10_000),
    });
    expect(response.status).toBe(200);
  });
});
