import { DEFAULT_SPEC_PATH } from "../config/default-spec-path.ts";
import { loadSpec } from "../spec/load-spec.ts";
import {
  resolveReference,
  schemaComponentName,
  type OpenApiDocument,
  type RequestBodyObject,
  type ResponseObject,
} from "../spec/openapi-document.ts";
import { listOperations, type OperationInfo } from "../spec/operations.ts";
import type { HttpMethod, RequestBodyKind } from "./area.ts";
import type { ErrorFamily } from "./error-bodies.ts";

/** The facts about one spec operation that the mock's route table needs. */
export interface SpecOperation {
  readonly operationId: string;
  readonly method: HttpMethod;
  readonly path: string;
  /** True unless the operation's security omits both `ApiKeyHeader` and `BearerMsqKey`. */
  readonly requiresApiKey: boolean;
  /** Body kind from the request body's media types; `none` when there is no request body. */
  readonly requestBody: RequestBodyKind;
  readonly statuses: ReadonlySet<number>;
  /** Family of the operation's 400/404/500 bodies; undefined when it documents none of them. */
  readonly errorFamily: ErrorFamily | undefined;
}

const API_KEY_SCHEMES = new Set(["ApiKeyHeader", "BearerMsqKey"]);
const MOCK_METHODS: ReadonlySet<string> = new Set(["GET", "POST", "PUT", "PATCH", "DELETE"]);

/**
 * Loads the operations of the OpenAPI document at `specPath` through `src/spec` (bundled,
 * validated and cached per process).
 * @throws SpecLoadError listing the document's problems; ConfigError when the file is missing.
 */
export async function loadSpecOperations(specPath: string = DEFAULT_SPEC_PATH): Promise<SpecOperation[]> {
  const { document } = await loadSpec(specPath);
  return listOperations(document)
    .filter((operation) => MOCK_METHODS.has(operation.method))
    .map((operation) => ({
      operationId: operation.operationId,
      method: operation.method as HttpMethod,
      path: operation.path,
      requiresApiKey: requiresApiKey(operation.operation.security ?? document.security),
      requestBody: requestBodyKind(document, operation),
      statuses: new Set(
        Object.keys(operation.operation.responses ?? {})
          .map(Number)
          .filter(Number.isInteger),
      ),
      errorFamily: errorFamily(document, operation),
    }));
}

function requiresApiKey(security: readonly Record<string, unknown>[] | undefined): boolean {
  if (security === undefined) return true;
  return security.some((requirement) => Object.keys(requirement).some((name) => API_KEY_SCHEMES.has(name)));
}

function requestBodyKind(document: OpenApiDocument, operation: OperationInfo): RequestBodyKind {
  const body = operation.operation.requestBody;
  if (body === undefined) return "none";
  const types = Object.keys(resolveReference<RequestBodyObject>(document, body).content ?? {});
  if (types.length === 0) return "none";
  if (types.includes("multipart/form-data")) return "multipart";
  if (types.some((type) => type === "application/json" || type.endsWith("+json"))) return "json";
  return "raw";
}

function errorFamily(document: OpenApiDocument, operation: OperationInfo): ErrorFamily | undefined {
  const responses = operation.operation.responses ?? {};
  for (const status of ["400", "404", "500"]) {
    const value = responses[status];
    if (value === undefined) continue;
    const response = resolveReference<ResponseObject>(document, value);
    const name = schemaComponentName(response.content?.["application/json"]?.schema);
    if (name === "OpenAIError") return "openai";
    if (name === "MsqError") return "msq";
    if (name === "VideoError") return "video";
  }
  return undefined;
}
