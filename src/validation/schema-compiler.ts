import type { Ajv2020, ValidateFunction } from "ajv/dist/2020.js";
import { getAtPath, parsePointer, toPointer } from "../spec/json-pointer.ts";
import type { OpenApiDocument } from "../spec/openapi-document.ts";

/** `$id` under which the document's component schemas are registered with ajv, as `$defs`. */
export const COMPONENTS_ID = "urn:msq-harness:openapi:components";
const COMPONENT_REF_PREFIX = "#/components/schemas/";

/**
 * Compiles schemas of the bundled document with ajv. ajv cannot take the OpenAPI document as a
 * schema (its top-level fields are unknown keywords in strict mode), so the component schemas are
 * registered as the `$defs` of one schema, and every `#/components/schemas/...` reference is
 * rewritten to point there. `toDocumentPath` maps ajv's schema paths back to document pointers.
 */
export class SchemaCompiler {
  constructor(
    private readonly ajv: Ajv2020,
    private readonly document: OpenApiDocument,
  ) {
    ajv.addSchema({ $id: COMPONENTS_ID, $defs: rewriteRefs(document.components?.schemas ?? {}) });
  }

  /** Compiles the schema found at `segments` of the bundled document. */
  compileAt(segments: readonly string[]): ValidateFunction {
    const schema = getAtPath(this.document, segments);
    if (schema === undefined) throw new Error(`No schema at ${toPointer(segments)} of the bundled document.`);
    return this.ajv.compile(rewriteRefs(schema) as object);
  }

  /** Compiles a reference to the component schema `name`, so error paths name the component. */
  compileComponent(name: string): ValidateFunction {
    return this.ajv.compile({ $ref: `${COMPONENTS_ID}#/$defs/${encodeURIComponent(name)}` });
  }

  /** Maps an ajv `schemaPath` of a schema compiled from `baseSegments` to a document path. */
  toDocumentPath(schemaPath: string, baseSegments: readonly string[]): string[] {
    const prefix = `${COMPONENTS_ID}#`;
    if (schemaPath.startsWith(prefix)) {
      const [defs, ...rest] = parsePointer(`#${schemaPath.slice(prefix.length)}`);
      return defs === "$defs" ? ["components", "schemas", ...rest] : rest;
    }
    return [...baseSegments, ...parsePointer(schemaPath)];
  }
}

function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (value === null || typeof value !== "object") return value;
  const result: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    result[key] =
      key === "$ref" && typeof inner === "string" && inner.startsWith(COMPONENT_REF_PREFIX)
        ? `${COMPONENTS_ID}#/$defs/${inner.slice(COMPONENT_REF_PREFIX.length)}`
        : rewriteRefs(inner);
  }
  return result;
}
