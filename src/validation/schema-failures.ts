import type { ErrorObject } from "ajv/dist/2020.js";
import { displayPath } from "../spec/display-path.ts";
import { getAtPath, toPointer } from "../spec/json-pointer.ts";
import type { OpenApiDocument } from "../spec/openapi-document.ts";
import type { SourceLocator } from "../spec/source-locator.ts";
import type { ContractFailure } from "./contract-failure.ts";
import { formatValue } from "./format-value.ts";

/** Most schema failures reported for one body; ajv's later errors mostly repeat the first ones. */
export const MAX_SCHEMA_FAILURES = 20;

/** Context of a schema failure: the operation, the check and the wording of the message. */
export interface SchemaFailureContext {
  operationId: string;
  method: string;
  path: string;
  check: string;
  /** Name of the validated value in messages, such as `Response body` or `SSE event tick`. */
  subject: string;
  document: OpenApiDocument;
  locator: SourceLocator;
  /** Maps ajv's `schemaPath` to a path in the bundled document. */
  toDocumentPath: (schemaPath: string) => string[];
  /** True when the response or top schema is already known to be inferred. */
  inferred: boolean;
}

/** Turns ajv errors into contract failures, one per error, up to `MAX_SCHEMA_FAILURES`. */
export function schemaFailures(
  errors: readonly ErrorObject[],
  context: SchemaFailureContext,
): ContractFailure[] {
  return errors.slice(0, MAX_SCHEMA_FAILURES).map((error) => {
    const schemaSegments = context.toDocumentPath(error.schemaPath);
    const schemaPointer = toPointer(schemaSegments);
    const source = context.locator.locate(schemaPointer);
    const sourceText = `${displayPath(source.file)}${source.line === undefined ? "" : `:${source.line}`}`;
    const received = formatValue(error.data);
    const documented = formatValue({ [error.keyword]: error.schema });
    const where = error.instancePath === "" ? "(root)" : error.instancePath;
    return {
      operationId: context.operationId,
      method: context.method,
      path: context.path,
      check: context.check,
      title: `${context.subject} ${titleOf(error)}`,
      message:
        `${context.subject} at ${where} ${error.message ?? "is invalid"}: received ${received}; ` +
        `the spec documents ${documented} (${sourceText}). ` +
        "Fix the server if the spec is right, otherwise correct the schema.",
      received,
      documented,
      instancePath: error.instancePath,
      schemaPath: `#${schemaPointer}`,
      keyword: error.keyword,
      inferred: context.inferred || isInferredAlong(context.document, schemaSegments),
    };
  });
}

function titleOf(error: ErrorObject): string {
  switch (error.keyword) {
    case "required":
      return `misses required property ${String(error.params["missingProperty"])}`;
    case "type":
      return `has a value of the wrong type`;
    case "additionalProperties":
    case "unevaluatedProperties":
      return "has an undocumented property";
    case "enum":
    case "const":
      return "has a value outside the documented ones";
    case "format":
      return `has a value that is not a valid ${String(error.params["format"])}`;
    default:
      return `breaks the schema keyword ${error.keyword}`;
  }
}

/** True when any node on the way from the document root to `segments` is marked `x-inferred: true`. */
export function isInferredAlong(document: OpenApiDocument, segments: readonly string[]): boolean {
  for (let length = 0; length <= segments.length; length += 1) {
    const node = getAtPath(document, segments.slice(0, length));
    if (
      node !== null &&
      typeof node === "object" &&
      (node as Record<string, unknown>)["x-inferred"] === true
    ) {
      return true;
    }
  }
  return false;
}
