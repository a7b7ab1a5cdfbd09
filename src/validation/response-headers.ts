import type { ValidateFunction } from "ajv/dist/2020.js";
import { parsePointer } from "../spec/json-pointer.ts";
import {
  isReference,
  resolveReference,
  type OpenApiDocument,
  type ResponseObject,
} from "../spec/openapi-document.ts";
import type { Oas3Header } from "@redocly/openapi-core";
import type { ContractFailure, FailureFields } from "./contract-failure.ts";
import { formatValue } from "./format-value.ts";

/** Response headers as fetch's `Headers` or a plain record; names are matched case-insensitively. */
export type HeadersInput = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

/** Returns the headers as a map from lowercase name to value, repeated values joined by `, `. */
export function normalizeHeaders(headers: HeadersInput): Map<string, string> {
  const result = new Map<string, string>();
  if (headers instanceof Headers) {
    headers.forEach((value, name) => result.set(name.toLowerCase(), value));
    return result;
  }
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    result.set(name.toLowerCase(), typeof value === "string" ? value : value.join(", "));
  }
  return result;
}

/** The checked response and the helpers that `checkResponseHeaders` uses. */
export interface HeaderCheckContext {
  document: OpenApiDocument;
  response: ResponseObject;
  /** Path of the response object in the bundled document. */
  responseSegments: string[];
  /** Compiles (once) the schema at a document path, with string-to-number coercion. */
  compile: (segments: string[]) => ValidateFunction;
  /** Builds a `response-header-conformance` failure of the operation from the defect fields. */
  failure: (fields: FailureFields) => ContractFailure;
  inferred: boolean;
}

/**
 * Checks the documented response headers: each required one is present, and each present one
 * matches its schema. `Content-Type` is skipped, because OpenAPI 3.1 requires its definition to be
 * ignored.
 */
export function checkResponseHeaders(
  headers: Map<string, string>,
  context: HeaderCheckContext,
): ContractFailure[] {
  const failures: ContractFailure[] = [];
  for (const [name, value] of Object.entries(context.response.headers ?? {})) {
    if (name.toLowerCase() === "content-type") continue;
    const header = resolveReference<Oas3Header>(context.document, value);
    const received = headers.get(name.toLowerCase());
    if (received === undefined) {
      if (header.required === true) {
        failures.push(
          context.failure({
            title: `Missing required header ${name}`,
            message:
              `The response has no ${name} header; the spec documents it as required. ` +
              "Send the header, or mark it optional in the spec if the server may omit it.",
            documented: `${name} (required)`,
            inferred: context.inferred,
          }),
        );
      }
      continue;
    }
    if (header.schema === undefined) continue;
    const segments = isReference(value)
      ? [...parsePointer(value.$ref), "schema"]
      : [...context.responseSegments, "headers", name, "schema"];
    const validate = context.compile(segments);
    if (validate(received) === true) continue;
    const error = validate.errors?.[0];
    failures.push(
      context.failure({
        title: `Header ${name} does not match its schema`,
        message:
          `Header ${name} is ${formatValue(received)}, which ${error?.message ?? "is invalid"}; ` +
          `the spec documents ${formatValue(header.schema)}. Fix the header value or its schema.`,
        received: formatValue(received),
        documented: formatValue(header.schema),
        ...(error === undefined ? {} : { keyword: error.keyword }),
        inferred: context.inferred,
      }),
    );
  }
  return failures;
}
