import { existsSync } from "node:fs";
import { resolve } from "node:path";
import SwaggerParser from "@apidevtools/swagger-parser";
import { bundle, createConfig, type NormalizedProblem } from "@redocly/openapi-core";
import { Ajv2020 } from "ajv/dist/2020.js";
import { ConfigError } from "../config/config-error.ts";
import { DEFAULT_SPEC_PATH } from "../config/default-spec-path.ts";
import { getAtPath, parsePointer, toPointer } from "./json-pointer.ts";
import { HTTP_METHODS, type OpenApiDocument, type PathItemObject } from "./openapi-document.ts";
import { listSchemaLocations } from "./schema-locations.ts";
import { SourceLocator } from "./source-locator.ts";
import { SpecLoadError } from "./spec-load-error.ts";
import type { SpecProblem } from "./spec-problem.ts";

/** The bundled, validated OpenAPI document and a way back to its source files. */
export interface LoadedSpec {
  /** Absolute path of the root document. */
  specPath: string;
  /** The document with every external `$ref` replaced by a local `#/components/...` reference. */
  document: OpenApiDocument;
  locator: SourceLocator;
}

const cache = new Map<string, Promise<LoadedSpec>>();

/**
 * Loads the OpenAPI document at `specPath`: bundles the files with @redocly/openapi-core,
 * validates the bundle with @apidevtools/swagger-parser and checks every schema against the
 * JSON Schema 2020-12 meta-schema. The result is cached per absolute path for the life of the
 * process. A failed load is not cached, so a fixed file loads on the next call.
 *
 * Throws `SpecLoadError` listing each problem with its file, JSON pointer and line, and
 * `ConfigError` when the file does not exist.
 */
export function loadSpec(specPath: string = DEFAULT_SPEC_PATH): Promise<LoadedSpec> {
  const absolutePath = resolve(specPath);
  const cached = cache.get(absolutePath);
  if (cached !== undefined) return cached;
  const loading = loadUncached(absolutePath);
  cache.set(absolutePath, loading);
  loading.catch(() => cache.delete(absolutePath));
  return loading;
}

/** Collects the problems of the document at `specPath` without throwing on them. */
export async function checkSpec(specPath: string = DEFAULT_SPEC_PATH): Promise<SpecProblem[]> {
  try {
    await loadSpec(specPath);
    return [];
  } catch (error) {
    if (error instanceof SpecLoadError) return [...error.problems];
    throw error;
  }
}

async function loadUncached(specPath: string): Promise<LoadedSpec> {
  if (!existsSync(specPath)) {
    throw new ConfigError(
      `OpenAPI document not found: ${specPath} (option --spec). ` +
        `Pass the path of the root document, by default spec/openapi.yaml in the repository.`,
    );
  }
  const locator = new SourceLocator(specPath);

  const config = await createConfig({});
  let result: Awaited<ReturnType<typeof bundle>>;
  try {
    result = await bundle({ ref: specPath, config, componentRenamingConflicts: "error" });
  } catch (error) {
    // The bundler throws instead of reporting a problem when the root is not a YAML or JSON
    // object, such as an empty file.
    const message =
      `Failed to bundle the document: ${(error as Error).message}. ` +
      'The root document must be a YAML or JSON object with an "openapi" field';
    throw new SpecLoadError(specPath, [located(specPath, "", locator, message, "bundler")]);
  }
  const bundleProblems = uniqueProblems(
    result.problems
      .filter((problem) => problem.severity === "error")
      .map((problem) => fromBundlerProblem(problem, specPath, locator)),
  );
  if (bundleProblems.length > 0) throw new SpecLoadError(specPath, bundleProblems);

  const document = result.bundle.parsed as OpenApiDocument;
  const problems = [
    ...(await validateWithSwaggerParser(document, locator)),
    ...validateSchemas(document, locator),
    ...checkOperationIds(document, locator),
  ];
  if (problems.length > 0) throw new SpecLoadError(specPath, problems);
  return { specPath, document, locator };
}

/**
 * Drops repeated problems. The bundler reports a file that fails to parse once for every `$ref`
 * into it, with the same file, pointer and message each time.
 */
function uniqueProblems(problems: readonly SpecProblem[]): SpecProblem[] {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = `${problem.file}\u0000${problem.pointer}\u0000${problem.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function fromBundlerProblem(
  problem: NormalizedProblem,
  specPath: string,
  locator: SourceLocator,
): SpecProblem {
  const location = problem.location[0];
  const file = location?.source.absoluteRef ?? specPath;
  const segments = parsePointer(location?.pointer ?? "");
  const ref = getAtPath(locator.valueOf(file), [...segments, "$ref"]);
  const message =
    problem.message.startsWith("Can't resolve $ref") && typeof ref === "string"
      ? `${problem.message.replace("Can't resolve $ref", `Can't resolve $ref "${ref}"`)}; ` +
        "check the file name and the pointer after '#'"
      : problem.message;
  return located(file, toPointer(segments), locator, message, problem.ruleId || "bundler");
}

interface AjvErrorDetail {
  instancePath: string;
  keyword: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** Keywords whose errors only repeat the errors of their branches. */
const BRANCH_KEYWORDS = new Set(["if", "oneOf", "anyOf", "$dynamicRef", "$ref"]);

async function validateWithSwaggerParser(
  document: OpenApiDocument,
  locator: SourceLocator,
): Promise<SpecProblem[]> {
  try {
    // swagger-parser dereferences the object it validates, so it gets a copy. Its parameter type
    // comes from the openapi-types package, which describes the same document shape.
    await SwaggerParser.validate(structuredClone(document) as never);
    return [];
  } catch (error) {
    const details = (error as { details?: unknown }).details;
    if (!Array.isArray(details)) {
      const message = error instanceof Error ? error.message : String(error);
      return [located(locator.rootFile, "", locator, message, "swagger-parser")];
    }
    const errors = details as AjvErrorDetail[];
    const specific = errors.filter((detail) => !BRANCH_KEYWORDS.has(detail.keyword));
    return (specific.length > 0 ? specific : errors).map((detail) => {
      const source = locator.locate(detail.instancePath);
      const extra = detail.params?.["additionalProperty"];
      const message = `${detail.message ?? detail.keyword}${typeof extra === "string" ? `: ${extra}` : ""}`;
      return {
        ...source,
        message: `OpenAPI 3.1 schema: ${message}`,
        rule: "swagger-parser",
        severity: "error",
      };
    });
  }
}

/** Checks every schema against the JSON Schema 2020-12 meta-schema, which swagger-parser skips. */
function validateSchemas(document: OpenApiDocument, locator: SourceLocator): SpecProblem[] {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const problems: SpecProblem[] = [];
  for (const { segments, schema } of listSchemaLocations(document)) {
    if (ajv.validateSchema(schema as object) === true) continue;
    // The meta-schema reports one error per failed branch; the first one per keyword is the useful one.
    const seen = new Set<string>();
    for (const error of ajv.errors ?? []) {
      if (BRANCH_KEYWORDS.has(error.keyword) || seen.has(error.instancePath)) continue;
      seen.add(error.instancePath);
      const keywordPath = parsePointer(error.instancePath);
      const received = JSON.stringify(getAtPath(schema, keywordPath));
      const allowed = error.params["allowedValues"];
      const hint = Array.isArray(allowed) ? ` (${allowed.join(", ")})` : "";
      problems.push({
        ...locator.locate(toPointer([...segments, ...keywordPath])),
        message:
          `invalid JSON Schema: \`${keywordPath.at(-1) ?? "schema"}\` ${error.message ?? error.keyword}` +
          `${hint}; received ${received}`,
        rule: "json-schema",
        severity: "error",
      });
    }
  }
  return problems;
}

/** Checks that every operation has an operationId that is unique, because validators are keyed by it. */
function checkOperationIds(document: OpenApiDocument, locator: SourceLocator): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const firstPointer = new Map<string, string>();
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of HTTP_METHODS) {
      const operation = (item as PathItemObject)[method];
      if (operation === undefined) continue;
      const pointer = toPointer(["paths", path, method]);
      const id = operation.operationId;
      if (id === undefined || id === "") {
        problems.push(
          idProblem(locator, pointer, `${method.toUpperCase()} ${path} has no operationId; add one`),
        );
      } else if (firstPointer.has(id)) {
        const first = locator.locate(firstPointer.get(id) ?? "");
        problems.push(
          idProblem(
            locator,
            pointer,
            `operationId ${id} of ${method.toUpperCase()} ${path} is already used at ${first.file}#${first.pointer}; ` +
              "rename one of them",
          ),
        );
      } else {
        firstPointer.set(id, pointer);
      }
    }
  }
  return problems;
}

function idProblem(locator: SourceLocator, pointer: string, message: string): SpecProblem {
  return { ...locator.locate(pointer), message, rule: "operation-operationId-unique", severity: "error" };
}

function located(
  file: string,
  pointer: string,
  locator: SourceLocator,
  message: string,
  rule: string,
): SpecProblem {
  const line = locator.lineOf(file, pointer);
  const problem: SpecProblem = { file, pointer, message, rule, severity: "error" };
  return line === undefined ? problem : { ...problem, line };
}
