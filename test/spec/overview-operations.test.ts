import { beforeAll, describe, expect, test } from "vitest";
import { computeCoverage, type OperationCoverage } from "../../src/spec/coverage.ts";
import { loadSpec } from "../../src/spec/load-spec.ts";
import { OVERVIEW_OPERATIONS, operationKey } from "../../src/spec/overview-operations.ts";

let byKey: Map<string, OperationCoverage>;

beforeAll(async () => {
  const { document } = await loadSpec();
  byKey = new Map(
    computeCoverage(document).operations.map((entry) => [operationKey(entry.method, entry.path), entry]),
  );
});

describe("overview operations", () => {
  test("list has 71 distinct entries", () => {
    const keys = new Set(OVERVIEW_OPERATIONS.map((entry) => operationKey(entry.method, entry.path)));
    expect(keys.size).toBe(71);
  });

  describe.each(
    OVERVIEW_OPERATIONS.map((entry) => ({ ...entry, key: operationKey(entry.method, entry.path) })),
  )("$key", ({ key, body, stream }) => {
    test("is in the spec", () => {
      expect(byKey.has(key)).toBe(true);
    });

    test("has a success schema", () => {
      expect(byKey.get(key)?.successSchema).toBe(true);
    });

    test("has a 401 schema", () => {
      expect(byKey.get(key)?.unauthorizedSchema).toBe(true);
    });

    if (body) {
      test("has a request schema", () => {
        expect(byKey.get(key)?.requestSchema).toBe(true);
      });
    }

    if (stream) {
      test("streams text/event-stream", () => {
        expect(byKey.get(key)?.stream).toBe(true);
      });

      test("has SSE event schemas", () => {
        expect(byKey.get(key)?.eventSchemas).toBe(true);
      });
    }
  });
});
