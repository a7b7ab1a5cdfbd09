import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startMock, type RunningMock } from "../../src/mock/server.ts";
import { resolveReference, type RequestBodyObject } from "../../src/spec/openapi-document.ts";
import { ValidatorRegistry, type OperationInfo } from "../../src/validation/validator-registry.ts";
import { TEST_KEYS, readExchange, type MockExchange } from "./support/mock-exchange.ts";

// Every operation of the spec, not only the areas with a request catalog, receives malformed and
// random input. Each answer must be a status, content type and body the spec documents for that
// operation, and bad bodies must be rejected with a 4xx.

const RANDOM_RUNS_PER_OPERATION = 8;

let mock: RunningMock;
let registry: ValidatorRegistry;

beforeAll(async () => {
  mock = await startMock();
  registry = await ValidatorRegistry.load();
});

afterAll(async () => {
  await mock.close();
});

/** Media types of the operation's request body; empty when it takes none. */
function requestMediaTypes(operation: OperationInfo): string[] {
  if (operation.operation.requestBody === undefined) return [];
  const requestBody = resolveReference<RequestBodyObject>(
    registry.spec.document,
    operation.operation.requestBody,
  );
  return Object.keys(requestBody.content ?? {});
}

/** Fills every path parameter with `value`, URL-encoded. */
function concretePath(operation: OperationInfo, value: string): string {
  return operation.path.replace(/\{[^}]+\}/g, encodeURIComponent(value));
}

async function send(
  operation: OperationInfo,
  path: string,
  body: string | FormData | undefined,
  contentType: string | undefined,
): Promise<MockExchange> {
  const headers: Record<string, string> = {};
  if (operation.secured) headers["x-api-key"] = TEST_KEYS["alice"] ?? "";
  if (contentType !== undefined) headers["content-type"] = contentType;
  const response = await fetch(`${mock.origin}${path}`, {
    method: operation.method,
    headers,
    ...(body === undefined ? {} : { body }),
    signal: AbortSignal.timeout(10_000),
  });
  return readExchange(response);
}

/** Describes an exchange for assertion messages. */
function label(operation: OperationInfo, exchange: MockExchange): string {
  return `${operation.operationId} ${operation.method} ${operation.path} answered ${exchange.status}: ${exchange.text.slice(0, 200)}`;
}

function expectDocumented(operation: OperationInfo, exchange: MockExchange): void {
  const failures = registry.validateResponse({
    operationId: operation.operationId,
    status: exchange.status,
    contentType: exchange.contentType,
    body: exchange.bytes,
  });
  expect(
    failures.map((failure) => failure.message),
    label(operation, exchange),
  ).toEqual([]);
}

function expectDocumentedClientError(operation: OperationInfo, exchange: MockExchange): void {
  expect(exchange.status >= 400 && exchange.status < 500, label(operation, exchange)).toBe(true);
  expectDocumented(operation, exchange);
}

const nonObjectJson = fc
  .jsonValue()
  .filter((value) => value === null || typeof value !== "object" || Array.isArray(value));
// "." and ".." cannot be sent as path segments: URL parsing removes them, encoded or not, so the
// request would reach a different route.
const pathValue = fc
  .string({ minLength: 1, maxLength: 24 })
  .filter((value) => value.trim() !== "" && value !== "." && value !== "..");

describe("every operation under bad requests", () => {
  test("operations are listed", () => {
    expect(registry.operations().length).toBeGreaterThanOrEqual(151);
  });

  test("malformed JSON gets a documented 4xx", async () => {
    for (const operation of registry.operations()) {
      if (!requestMediaTypes(operation).includes("application/json")) continue;
      const exchange = await send(
        operation,
        concretePath(operation, "unknown-id"),
        '{"name": [',
        "application/json",
      );
      expectDocumentedClientError(operation, exchange);
    }
  });

  test("non-object JSON gets a documented 4xx", async () => {
    for (const operation of registry.operations()) {
      if (!requestMediaTypes(operation).includes("application/json")) continue;
      await fc.assert(
        fc.asyncProperty(nonObjectJson, async (body) => {
          const exchange = await send(
            operation,
            concretePath(operation, "unknown-id"),
            JSON.stringify(body),
            "application/json",
          );
          expectDocumentedClientError(operation, exchange);
        }),
        { numRuns: RANDOM_RUNS_PER_OPERATION },
      );
    }
  });

  test("a body of the wrong content type gets a documented 4xx", async () => {
    for (const operation of registry.operations()) {
      if (requestMediaTypes(operation).length === 0) continue;
      const exchange = await send(operation, concretePath(operation, "unknown-id"), "name=x", "text/plain");
      expectDocumentedClientError(operation, exchange);
    }
  });

  test("multipart forms without a file get a documented 4xx", async () => {
    for (const operation of registry.operations()) {
      if (!requestMediaTypes(operation).includes("multipart/form-data")) continue;
      await fc.assert(
        fc.asyncProperty(
          fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), fc.string({ maxLength: 40 }), {
            maxKeys: 5,
          }),
          async (fields) => {
            const form = new FormData();
            for (const [name, value] of Object.entries(fields)) form.append(name, value);
            expectDocumentedClientError(
              operation,
              await send(operation, concretePath(operation, "unknown-id"), form, undefined),
            );
          },
        ),
        { numRuns: RANDOM_RUNS_PER_OPERATION },
      );
    }
  });

  test("random path parameters get documented answers", async () => {
    for (const operation of registry.operations()) {
      if (!operation.path.includes("{")) continue;
      const mediaTypes = requestMediaTypes(operation);
      const json = mediaTypes.includes("application/json");
      await fc.assert(
        fc.asyncProperty(pathValue, async (value) => {
          const exchange = await send(
            operation,
            concretePath(operation, value),
            json ? "{}" : undefined,
            json ? "application/json" : undefined,
          );
          expect(exchange.status < 500, label(operation, exchange)).toBe(true);
          expectDocumented(operation, exchange);
        }),
        { numRuns: RANDOM_RUNS_PER_OPERATION },
      );
    }
  });

  test("random query strings get documented answers", async () => {
    for (const operation of registry.operations()) {
      if (operation.method !== "GET") continue;
      await fc.assert(
        fc.asyncProperty(
          fc.dictionary(
            fc.constantFrom("limit", "offset", "start", "end", "last", "skip", "type", "x"),
            fc.string(),
          ),
          async (query) => {
            const search = new URLSearchParams(query).toString();
            const path = `${concretePath(operation, "unknown-id")}${search === "" ? "" : `?${search}`}`;
            const exchange = await send(operation, path, undefined, undefined);
            expect(exchange.status < 500, label(operation, exchange)).toBe(true);
            expectDocumented(operation, exchange);
          },
        ),
        { numRuns: RANDOM_RUNS_PER_OPERATION },
      );
    }
  });

  test("server still answers afterwards", async () => {
    const response = await fetch(`${mock.baseUrl}/models`, {
      headers: { "x-api-key": TEST_KEYS["alice"] ?? "" },
      signal: AbortSignal.timeout(10_000),
    });
    expect(response.status).toBe(200);
  });
});
