import {
  isReference,
  resolveReference,
  type MediaTypeObject,
  type OpenApiDocument,
  type ResponseObject,
} from "./openapi-document.ts";
import { listOperations, type OperationInfo } from "./operations.ts";
import { OVERVIEW_OPERATIONS, operationKey } from "./overview-operations.ts";
import { EVENT_STREAM, parseSseRules } from "./sse-rules.ts";

/** What the spec documents for one operation. */
export interface OperationCoverage {
  method: string;
  path: string;
  operationId: string;
  tag: string;
  /** The operation is one of the 71 of the API overview's endpoint index. */
  overview: boolean;
  /** The operation declares a request body. */
  requestBody: boolean;
  /** The request body has a schema for every media type. */
  requestSchema: boolean;
  /** Every 2XX response has a schema for each media type (a bodiless 204 counts as documented). */
  successSchema: boolean;
  /** A 401 response with a schema is declared. */
  unauthorizedSchema: boolean;
  /** At least one 4XX/5XX/default response is declared and each has a schema. */
  errorSchemas: boolean;
  /** Declared error statuses, such as `400`, `401`, `4XX`, `default`. */
  errorStatuses: string[];
  /** Some response is `text/event-stream`. */
  stream: boolean;
  /** Every stream response has a valid `x-sse` whose events name existing schemas. */
  eventSchemas: boolean;
  /** Statuses of responses marked `x-inferred`. */
  inferredResponses: string[];
  /** Component schemas used by the operation that are marked `x-inferred` at the root or inside. */
  inferredSchemas: string[];
}

/** Counts for one tag, or for the whole document. */
export interface CoverageTotals {
  tag: string;
  operations: number;
  overview: number;
  extra: number;
  requestBodies: number;
  requestSchemas: number;
  successSchemas: number;
  unauthorizedSchemas: number;
  errorSchemas: number;
  streams: number;
  eventSchemas: number;
  /** Operations with at least one inferred response or schema. */
  inferredOperations: number;
  /** Distinct inferred component schemas used by these operations. */
  inferredSchemas: number;
}

export interface CoverageReport {
  operations: OperationCoverage[];
  byTag: CoverageTotals[];
  total: CoverageTotals;
  /** The 71 operations of the API overview: how many the spec has, and which are missing. */
  overview: { listed: number; present: number; missing: string[] };
  /** Component schemas marked `x-inferred` at the root, and those marked only on inner parts. */
  schemas: { total: number; inferred: number; partlyInferred: number };
  /** Response objects marked `x-inferred` across all operations. */
  inferredResponses: number;
}

/** Computes the coverage report of the bundled document. */
export function computeCoverage(document: OpenApiDocument): CoverageReport {
  const overviewKeys = new Set(OVERVIEW_OPERATIONS.map((entry) => operationKey(entry.method, entry.path)));
  const inferredComponents = findInferredComponents(document);
  const operations = listOperations(document).map((operation) =>
    coverOperation(document, operation, overviewKeys, inferredComponents),
  );
  const present = new Set(operations.map((entry) => operationKey(entry.method, entry.path)));
  const tags = [...new Set(operations.map((entry) => entry.tag))];
  const schemaNames = Object.keys(document.components?.schemas ?? {});
  const rootInferred = schemaNames.filter((name) => inferredComponents.get(name) === "root").length;
  return {
    operations,
    byTag: tags.map((tag) =>
      totalsOf(
        tag,
        operations.filter((entry) => entry.tag === tag),
      ),
    ),
    total: totalsOf("total", operations),
    overview: {
      listed: overviewKeys.size,
      present: [...overviewKeys].filter((key) => present.has(key)).length,
      missing: [...overviewKeys].filter((key) => !present.has(key)),
    },
    schemas: {
      total: schemaNames.length,
      inferred: rootInferred,
      partlyInferred: inferredComponents.size - rootInferred,
    },
    inferredResponses: operations.reduce((sum, entry) => sum + entry.inferredResponses.length, 0),
  };
}

function coverOperation(
  document: OpenApiDocument,
  info: OperationInfo,
  overviewKeys: ReadonlySet<string>,
  inferredComponents: ReadonlyMap<string, "root" | "part">,
): OperationCoverage {
  const { operation } = info;
  const body =
    operation.requestBody === undefined ? undefined : resolveReference(document, operation.requestBody);
  const responses = Object.entries(operation.responses ?? {}).map(([status, value]) => ({
    status,
    response: resolveReference<ResponseObject>(document, value),
  }));
  const success = responses.filter(({ status }) => /^2(\d\d|XX)$/i.test(status));
  const errors = responses.filter(({ status }) => /^[45](\d\d|XX)$/i.test(status) || status === "default");
  const unauthorized = responses.find(({ status }) => status === "401");
  const streams = responses.filter(({ response }) => response.content?.[EVENT_STREAM] !== undefined);
  const schemas = document.components?.schemas ?? {};
  const reachable = reachableSchemas(document, operation);
  return {
    method: info.method,
    path: info.path,
    operationId: info.operationId,
    tag: info.tag,
    overview: overviewKeys.has(operationKey(info.method, info.path)),
    requestBody: body !== undefined,
    requestSchema: body !== undefined && allHaveSchemas(body.content),
    successSchema:
      success.length > 0 &&
      success.every(({ status, response }) =>
        response.content === undefined ? status === "204" : allHaveSchemas(response.content),
      ),
    unauthorizedSchema: unauthorized !== undefined && allHaveSchemas(unauthorized.response.content),
    errorSchemas: errors.length > 0 && errors.every(({ response }) => allHaveSchemas(response.content)),
    errorStatuses: errors.map(({ status }) => status),
    stream: streams.length > 0,
    eventSchemas:
      streams.length > 0 &&
      streams.every(({ response }) => {
        try {
          const rules = parseSseRules((response.content?.[EVENT_STREAM] as Record<string, unknown>)["x-sse"]);
          return rules.events.every((event) => event.schema in schemas);
        } catch {
          return false;
        }
      }),
    inferredResponses: responses
      .filter(({ response }) => (response as Record<string, unknown>)["x-inferred"] === true)
      .map(({ status }) => status),
    inferredSchemas: [...reachable].filter((name) => inferredComponents.has(name)).sort(),
  };
}

function allHaveSchemas(content: Record<string, MediaTypeObject> | undefined): boolean {
  const media = Object.values(content ?? {});
  return media.length > 0 && media.every((entry) => entry.schema !== undefined);
}

function totalsOf(tag: string, operations: readonly OperationCoverage[]): CoverageTotals {
  const count = (predicate: (entry: OperationCoverage) => boolean): number =>
    operations.filter(predicate).length;
  return {
    tag,
    operations: operations.length,
    overview: count((entry) => entry.overview),
    extra: count((entry) => !entry.overview),
    requestBodies: count((entry) => entry.requestBody),
    requestSchemas: count((entry) => entry.requestSchema),
    successSchemas: count((entry) => entry.successSchema),
    unauthorizedSchemas: count((entry) => entry.unauthorizedSchema),
    errorSchemas: count((entry) => entry.errorSchemas),
    streams: count((entry) => entry.stream),
    eventSchemas: count((entry) => entry.eventSchemas),
    inferredOperations: count(
      (entry) => entry.inferredResponses.length > 0 || entry.inferredSchemas.length > 0,
    ),
    inferredSchemas: new Set(operations.flatMap((entry) => entry.inferredSchemas)).size,
  };
}

/** Maps each component schema that carries `x-inferred: true` to where: its root or only inner parts. */
function findInferredComponents(document: OpenApiDocument): Map<string, "root" | "part"> {
  const result = new Map<string, "root" | "part">();
  for (const [name, schema] of Object.entries(document.components?.schemas ?? {})) {
    if ((schema as Record<string, unknown>)["x-inferred"] === true) result.set(name, "root");
    else if (containsInferredMark(schema)) result.set(name, "part");
  }
  return result;
}

function containsInferredMark(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(containsInferredMark);
  if (value === null || typeof value !== "object") return false;
  return Object.entries(value).some(
    ([key, inner]) => (key === "x-inferred" && inner === true) || containsInferredMark(inner),
  );
}

/** Names of the component schemas an operation uses, directly or through other components. */
function reachableSchemas(document: OpenApiDocument, start: unknown): Set<string> {
  const names = new Set<string>();
  const visited = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach(visit);
      return;
    }
    if (value === null || typeof value !== "object") return;
    if (isReference(value)) {
      if (visited.has(value.$ref)) return;
      visited.add(value.$ref);
      const match = /^#\/components\/schemas\/(.+)$/.exec(value.$ref);
      if (match?.[1] !== undefined) names.add(match[1]);
      visit(resolveReference(document, value));
      return;
    }
    Object.values(value).forEach(visit);
  };
  visit(start);
  return names;
}
