import { parsePointer, toPointer } from "../spec/json-pointer.ts";
import type { LoadedSpec } from "../spec/load-spec.ts";
import { listSchemaLocations } from "../spec/schema-locations.ts";
import type { SpecProblem } from "../spec/spec-problem.ts";
import { collectExtensionKeywords, createAjv } from "./create-ajv.ts";

/**
 * Compiles every schema of the document in ajv's strict mode and returns what strict mode
 * rejects (unknown keywords, `properties` without `type: object`, ...), located in the source files.
 *
 * Each schema is compiled on its own with its `$ref`s removed, so a problem is reported once, at
 * the schema that contains it, and ajv's message path (relative to that schema) locates it.
 */
export function checkSchemasStrict(spec: LoadedSpec): SpecProblem[] {
  const keywords = collectExtensionKeywords(spec.document);
  const problems: SpecProblem[] = [];
  for (const { segments, schema } of listSchemaLocations(spec.document)) {
    const messages: string[] = [];
    const ajv = createAjv(keywords, { strict: "log", strictRequired: false }, (message) =>
      messages.push(message),
    );
    try {
      ajv.compile(withoutRefs(schema) as object);
    } catch (error) {
      messages.push(error instanceof Error ? error.message : String(error));
    }
    for (const message of new Set(messages)) {
      for (const relativePath of locateMessage(message, schema)) {
        problems.push({
          ...spec.locator.locate(toPointer([...segments, ...relativePath])),
          message: `ajv strict mode: ${message.replace(/^strict mode: /, "").replace(/ at "[^"]*"/, "")}`,
          rule: "ajv-strict",
          severity: "error",
        });
      }
    }
  }
  return problems;
}

/**
 * Returns the paths, relative to the schema, that a strict-mode message is about. Most messages
 * end with `at "<id>#<pointer>"`. The unknown-keyword message names only the keyword, so the
 * schema is searched for it.
 */
function locateMessage(message: string, schema: unknown): string[][] {
  const pointer = /at "[^"#]*#([^"]*)"/.exec(message)?.[1];
  if (pointer !== undefined) return [parsePointer(`#${pointer}`)];
  const keyword = /unknown keyword: "([^"]+)"/.exec(message)?.[1];
  const found = keyword === undefined ? [] : findKeyword(schema, keyword, []);
  return found.length > 0 ? found : [[]];
}

const SCHEMA_MAPS = ["properties", "patternProperties", "$defs", "dependentSchemas"];
const SCHEMA_LISTS = ["allOf", "anyOf", "oneOf", "prefixItems"];
const SINGLE_SCHEMAS = [
  "items",
  "not",
  "if",
  "then",
  "else",
  "contains",
  "propertyNames",
  "additionalProperties",
  "unevaluatedItems",
  "unevaluatedProperties",
];

/** Finds the subschemas that use `keyword`, walking only the JSON Schema applicator keywords. */
function findKeyword(schema: unknown, keyword: string, path: string[]): string[][] {
  if (schema === null || typeof schema !== "object" || Array.isArray(schema)) return [];
  const record = schema as Record<string, unknown>;
  const found = keyword in record ? [path] : [];
  for (const key of SCHEMA_MAPS) {
    const map = record[key];
    if (map === null || typeof map !== "object") continue;
    for (const [name, inner] of Object.entries(map))
      found.push(...findKeyword(inner, keyword, [...path, key, name]));
  }
  for (const key of SCHEMA_LISTS) {
    const list = record[key];
    if (!Array.isArray(list)) continue;
    list.forEach((inner: unknown, index) =>
      found.push(...findKeyword(inner, keyword, [...path, key, String(index)])),
    );
  }
  for (const key of SINGLE_SCHEMAS) found.push(...findKeyword(record[key], keyword, [...path, key]));
  return found;
}

/** Copies a schema without its `$ref` keys, because the referenced schemas are checked on their own. */
function withoutRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutRefs);
  if (value === null || typeof value !== "object") return value;
  const result: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key !== "$ref") result[key] = withoutRefs(inner);
  }
  return result;
}
