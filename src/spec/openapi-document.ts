import type {
  Oas3_1Definition,
  Oas3_1Schema,
  Oas3MediaType,
  Oas3Operation,
  Oas3Parameter,
  Oas3PathItem,
  Oas3RequestBody,
  Oas3Response,
  OasRef,
} from "@redocly/openapi-core";
import { getAtPath, parsePointer } from "./json-pointer.ts";

/** Types of the bundled OpenAPI 3.1 document, from @redocly/openapi-core's typings. */
export type OpenApiDocument = Oas3_1Definition;
export type SchemaObject = Oas3_1Schema;
export type OperationObject = Oas3Operation<Oas3_1Schema>;
export type PathItemObject = Oas3PathItem<Oas3_1Schema>;
export type ResponseObject = Oas3Response<Oas3_1Schema>;
export type MediaTypeObject = Oas3MediaType<Oas3_1Schema>;
export type ParameterObject = Oas3Parameter<Oas3_1Schema>;
export type RequestBodyObject = Oas3RequestBody<Oas3_1Schema>;
export type ReferenceObject = OasRef;

/** HTTP methods that an OpenAPI 3.1 Path Item can hold, in the order the spec lists them. */
export const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

const MAX_REF_HOPS = 32;

export function isReference(value: unknown): value is ReferenceObject {
  return (
    value !== null && typeof value === "object" && typeof (value as { $ref?: unknown }).$ref === "string"
  );
}

/**
 * Follows local `$ref`s (`#/components/...`) of the bundled document until a non-reference value.
 * Throws when a reference does not resolve, which a loaded document never contains.
 */
export function resolveReference<T>(document: OpenApiDocument, value: T | ReferenceObject): T {
  let current: unknown = value;
  for (let hop = 0; hop < MAX_REF_HOPS && isReference(current); hop += 1) {
    const ref = current.$ref;
    if (!ref.startsWith("#")) {
      throw new Error(`Reference ${ref} is not local to the bundled document; load it with loadSpec().`);
    }
    const target = getAtPath(document, parsePointer(ref));
    if (target === undefined) throw new Error(`Reference ${ref} does not resolve in the bundled document.`);
    current = target;
  }
  return current as T;
}

/** Returns the component schema name of a `#/components/schemas/<Name>` reference, else undefined. */
export function schemaComponentName(value: unknown): string | undefined {
  if (!isReference(value)) return undefined;
  const match = /^#\/components\/schemas\/([^/]+)$/.exec(value.$ref);
  return match?.[1] === undefined ? undefined : parsePointer(`/${match[1]}`)[0];
}
