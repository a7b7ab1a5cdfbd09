import { fileURLToPath } from "node:url";
import { bundle, createConfig } from "@redocly/openapi-core";
import type { Logger } from "../log/logger.ts";
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

export const DEFAULT_SPEC_PATH = fileURLToPath(new URL("../../spec/openapi.yaml", import.meta.url));

const METHODS: readonly HttpMethod[] = ["GET", "POST", "PUT", "PATCH", "DELETE"];
const API_KEY_SCHEMES = new Set(["ApiKeyHeader", "BearerMsqKey"]);
const cache = new Map<string, Promise<SpecOperation[]>>();

/**
 * Loads the operations of the OpenAPI document at `specPath`, bundled with @redocly/openapi-core
 * and cached per process. Path items whose `$ref` does not resolve are skipped and logged, so a
 * document whose area files are still being written yields the operations it has.
 */
export function loadSpecOperations(specPath: string = DEFAULT_SPEC_PATH, logger?: Logger): Promise<SpecOperation[]> {
  let operations = cache.get(specPath);
  if (operations === undefined) {
    operations = readOperations(specPath, logger);
    cache.set(specPath, operations);
    operations.catch(() => cache.delete(specPath));
  }
  return operations;
}

async function readOperations(specPath: string, logger: Logger | undefined): Promise<SpecOperation[]> {
  const config = await createConfig({});
  const result = await bundle({ ref: specPath, config });
  const document = result.bundle.parsed as Record<string, unknown>;
  const paths = asRecord(document["paths"]);
  const rootSecurity = document["security"];
  const operations: SpecOperation[] = [];
  const unresolved: string[] = [];

  for (const [path, pathItemValue] of Object.entries(paths)) {
    const pathItem = asRecord(pathItemValue);
    if (typeof pathItem["$ref"] === "string") {
      unresolved.push(path);
      continue;
    }
    for (const method of METHODS) {
      const operation = asRecord(pathItem[method.toLowerCase()]);
      const operationId = operation["operationId"];
      if (typeof operationId !== "string") continue;
      operations.push({
        operationId,
        method,
        path,
        requiresApiKey: requiresApiKey(operation["security"] ?? rootSecurity),
        requestBody: requestBodyKind(resolve(document, operation["requestBody"])),
        statuses: new Set(Object.keys(asRecord(operation["responses"])).map(Number).filter(Number.isInteger)),
        errorFamily: errorFamily(document, asRecord(operation["responses"])),
      });
    }
  }
  if (unresolved.length > 0) {
    logger?.debug({ specPath, paths: unresolved }, "spec path items without a resolvable $ref were skipped");
  }
  return operations;
}

function requiresApiKey(security: unknown): boolean {
  if (!Array.isArray(security)) return true;
  return security.some((requirement) => Object.keys(asRecord(requirement)).some((name) => API_KEY_SCHEMES.has(name)));
}

function requestBodyKind(requestBody: Record<string, unknown>): RequestBodyKind {
  const types = Object.keys(asRecord(requestBody["content"]));
  if (types.length === 0) return "none";
  if (types.includes("multipart/form-data")) return "multipart";
  if (types.some((type) => type === "application/json" || type.endsWith("+json"))) return "json";
  return "raw";
}

function errorFamily(document: Record<string, unknown>, responses: Record<string, unknown>): ErrorFamily | undefined {
  for (const status of ["400", "404", "500"]) {
    const response = resolve(document, responses[status]);
    const schema = asRecord(asRecord(asRecord(response["content"])["application/json"])["schema"]);
    const ref = schema["$ref"];
    if (typeof ref !== "string") continue;
    if (ref.endsWith("/OpenAIError")) return "openai";
    if (ref.endsWith("/MsqError")) return "msq";
  }
  return undefined;
}

/** Follows local `#/...` references until a non-reference object is reached. */
function resolve(document: Record<string, unknown>, value: unknown): Record<string, unknown> {
  let current = asRecord(value);
  for (let depth = 0; depth < 10 && typeof current["$ref"] === "string"; depth += 1) {
    const ref = current["$ref"];
    if (!ref.startsWith("#/")) return {};
    let target: unknown = document;
    for (const token of ref.slice(2).split("/")) {
      target = asRecord(target)[token.replace(/~1/g, "/").replace(/~0/g, "~")];
    }
    current = asRecord(target);
  }
  return current;
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
