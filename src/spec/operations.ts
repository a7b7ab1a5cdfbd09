import { toPointer } from "./json-pointer.ts";
import {
  HTTP_METHODS,
  type OpenApiDocument,
  type OperationObject,
  type PathItemObject,
} from "./openapi-document.ts";

/** One operation of the document, as the registry, coverage and suites address it. */
export interface OperationInfo {
  operationId: string;
  /** Uppercase HTTP method. */
  method: string;
  /** Path template as written in the document, such as `/v1/files/{id}`. */
  path: string;
  /** First tag, which names the API area; `untagged` when the operation has none. */
  tag: string;
  summary: string;
  /** Pointer of the operation in the bundled document. */
  pointer: string;
  /** True when the effective security requires credentials (no empty `{}` alternative). */
  secured: boolean;
  operation: OperationObject;
  /** Path-level parameters, which apply to the operation unless it redefines them. */
  pathParameters: NonNullable<PathItemObject["parameters"]>;
}

/** Lists every operation of the document in path order. Operations without an operationId are skipped. */
export function listOperations(document: OpenApiDocument): OperationInfo[] {
  const operations: OperationInfo[] = [];
  for (const [path, value] of Object.entries(document.paths ?? {})) {
    const item = value as PathItemObject;
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (operation?.operationId === undefined) continue;
      const security = operation.security ?? document.security ?? [];
      operations.push({
        operationId: operation.operationId,
        method: method.toUpperCase(),
        path,
        tag: operation.tags?.[0] ?? "untagged",
        summary: operation.summary ?? "",
        pointer: toPointer(["paths", path, method]),
        secured: security.length > 0 && security.every((requirement) => Object.keys(requirement).length > 0),
        operation,
        pathParameters: item.parameters ?? [],
      });
    }
  }
  return operations;
}

/**
 * Compiles a path template into a regular expression that matches concrete paths. A parameter
 * matches one non-empty segment; the query string is not part of the match.
 */
export function pathTemplatePattern(template: string): RegExp {
  const parts = template
    .split(/(\{[^}/]+\})/)
    .map((part) => (/^\{[^}/]+\}$/.test(part) ? "([^/]+)" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
  return new RegExp(`^${parts.join("")}/?$`);
}
