import { Ajv2020 } from "ajv/dist/2020.js";
import { beforeAll, describe, expect, test } from "vitest";
import { computeCoverage } from "../../src/spec/coverage.ts";
import { getAtPath, toPointer } from "../../src/spec/json-pointer.ts";
import { loadSpec, type LoadedSpec } from "../../src/spec/load-spec.ts";
import { resolveReference, type ResponseObject } from "../../src/spec/openapi-document.ts";
import { listExampleLocations, listSchemaLocations } from "../../src/spec/schema-locations.ts";
import { checkSseResponses } from "../../src/spec/sse-rules.ts";
import { SchemaCompiler } from "../../src/validation/schema-compiler.ts";
import { collectExtensionKeywords, createAjv } from "../../src/validation/create-ajv.ts";
import { ValidatorRegistry } from "../../src/validation/validator-registry.ts";

let spec: LoadedSpec;

beforeAll(async () => {
  spec = await loadSpec();
});

describe("spec/openapi.yaml", () => {
  test("every example matches its schema", () => {
    const compiler = new SchemaCompiler(createAjv(collectExtensionKeywords(spec.document)), spec.document);
    const invalid: string[] = [];
    for (const example of listExampleLocations(spec.document)) {
      const validate = compiler.compileAt(example.schemaSegments);
      if (validate(example.value) !== true) {
        const location = spec.locator.locate(toPointer(example.segments));
        invalid.push(
          `${location.file}#${location.pointer}: ${JSON.stringify(validate.errors?.[0]?.message)}`,
        );
      }
    }
    expect(invalid).toEqual([]);
  });

  test("every component schema has an example", () => {
    const missing = Object.entries(spec.document.components?.schemas ?? {})
      .filter(([, schema]) => {
        const record = schema as Record<string, unknown>;
        return !Array.isArray(record["examples"]) && record["example"] === undefined;
      })
      .map(([name]) => name);
    expect(missing).toEqual([]);
  });

  test("x-sse events and oneOf members agree", () => {
    expect(checkSseResponses(spec.document, spec.locator)).toEqual([]);
  });

  test("every event example selects its own event", () => {
    const registry = new ValidatorRegistry(spec);
    const mismatches: string[] = [];
    let checked = 0;
    for (const operation of registry.operations()) {
      for (const [key, value] of Object.entries(operation.operation.responses ?? {})) {
        const content = resolveReference<ResponseObject>(spec.document, value).content ?? {};
        if (content["text/event-stream"] === undefined || !/^\d+$/.test(key)) continue;
        for (const event of registry.sseRules(operation.operationId, Number(key)).events) {
          const schema = spec.document.components?.schemas?.[event.schema] as
            { examples?: unknown[] } | undefined;
          for (const example of schema?.examples ?? []) {
            const result = registry.validateEvent({
              operationId: operation.operationId,
              status: Number(key),
              data: example,
            });
            checked += 1;
            if (result.event !== event.name || result.failures.length > 0) {
              mismatches.push(
                `${operation.operationId} ${key} ${event.name}: selected ${String(result.event)}`,
              );
            }
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(0);
    expect(mismatches).toEqual([]);
  });

  test("no component name has a collision suffix", () => {
    const names = Object.values(spec.document.components ?? {}).flatMap((group) => Object.keys(group ?? {}));
    expect(names.filter((name) => /-\d+$/.test(name))).toEqual([]);
  });

  test("every schema passes the JSON Schema meta-schema", () => {
    const ajv = new Ajv2020({ strict: false });
    const invalid = listSchemaLocations(spec.document)
      .filter(({ schema }) => ajv.validateSchema(schema as object) !== true)
      .map(({ segments }) => toPointer(segments));
    expect(invalid).toEqual([]);
  });

  test("every validator compiles", () => {
    expect(new ValidatorRegistry(spec).compileAll()).toEqual([]);
  });

  test("every secured operation declares 401", () => {
    const missing = computeCoverage(spec.document)
      .operations.filter((entry) => !entry.unauthorizedSchema)
      .filter((entry) => {
        const security = getAtPath(spec.document, [
          "paths",
          entry.path,
          entry.method.toLowerCase(),
          "security",
        ]);
        return !(Array.isArray(security) && security.length === 0);
      })
      .map((entry) => entry.operationId);
    expect(missing).toEqual([]);
  });
});
