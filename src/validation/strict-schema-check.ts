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
    const ajv = createAjv(keywords, { strict: "log", strictRequired: false }, (message) => messages.push(message));
    try {
      ajv.compile(withoutRefs(schema) as object);
    } catch (error) {
      messages.push(error instanceof Error ? error.message : String(error));
    }
    for (const message of new Set(messages)) {
      const relativePointer = /at "[^"#]*#([^"]*)"/.exec(message)?.[1] ?? "";
      problems.push({
        ...spec.locator.locate(toPointer([...segments, ...parsePointer(`#${relativePointer}`)])),
        message: `ajv strict mode: ${message.replace(/^strict mode: /, "").replace(/ at "[^"]*"/, "")}`,
        rule: "ajv-strict",
        severity: "error",
      });
    }
  }
  return problems;
}

/** Copies a schema without its `$ref` keys; the referenced schemas are checked on their own. */
function withoutRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutRefs);
  if (value === null || typeof value !== "object") return value;
  const result: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key !== "$ref") result[key] = withoutRefs(inner);
  }
  return result;
}
