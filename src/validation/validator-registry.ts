import type { ValidateFunction } from "ajv/dist/2020.js";
import type { Logger } from "../log/logger.ts";
import { DEFAULT_SPEC_PATH } from "../config/default-spec-path.ts";
import { parsePointer, toPointer } from "../spec/json-pointer.ts";
import { loadSpec, type LoadedSpec } from "../spec/load-spec.ts";
import {
  isReference,
  resolveReference,
  type MediaTypeObject,
  type ResponseObject,
  type SchemaObject,
} from "../spec/openapi-document.ts";
import { listOperations, pathTemplatePattern, type OperationInfo } from "../spec/operations.ts";
import type { SpecProblem } from "../spec/spec-problem.ts";
import { EVENT_STREAM, matchesEvent, parseSseRules, type SseRules } from "../spec/sse-rules.ts";
import { CHECKS, failureOf, type ContractFailure } from "./contract-failure.ts";
import { collectExtensionKeywords, createAjv } from "./create-ajv.ts";
import { formatValue } from "./format-value.ts";
import { essenceOf, isBinaryMediaType, isJsonMediaType, matchMediaType } from "./media-type.ts";
import { checkResponseHeaders, normalizeHeaders, type HeadersInput } from "./response-headers.ts";
import { SchemaCompiler } from "./schema-compiler.ts";
import { isInferredAlong, schemaFailures } from "./schema-failures.ts";
import { findResponseKey } from "./status-lookup.ts";
import { UnknownOperationError } from "./unknown-operation-error.ts";

export type { OperationInfo };

/** A response to check against its operation. */
export interface ResponseInput {
  operationId: string;
  status: number;
  /** The Content-Type header, or undefined when the response has none. */
  contentType?: string | undefined;
  /**
   * Parsed JSON, or the raw body as text or bytes (JSON bodies are parsed here). Ignored for
   * `text/event-stream`, whose events go through `validateEvent`.
   */
  body: unknown;
  /** When given, the documented response headers are checked too. */
  headers?: HeadersInput | undefined;
}

/** One SSE `data:` payload of a streaming response. */
export interface EventInput {
  operationId: string;
  status: number;
  /** The payload text as received, or its parsed JSON. */
  data: unknown;
}

/** Outcome of `validateEvent`. */
export interface EventResult {
  /** Name of the event the payload was recognized as, from `x-sse.events`. */
  event?: string;
  /** True when the payload is the stream's documented terminator, such as `[DONE]`. */
  terminator?: boolean;
  failures: ContractFailure[];
}

/** The documented response of an operation for one status. */
interface ResolvedResponse {
  key: string;
  response: ResponseObject;
  /** Path of the Response Object in the bundled document, after following its `$ref`. */
  segments: string[];
  inferred: boolean;
}

/**
 * ajv validators for every response of the spec, compiled once and lazily, keyed by operationId,
 * status key and media type, plus one per SSE event type. Each `validate*` method returns typed
 * contract failures, and an empty list means the response conforms.
 */
export class ValidatorRegistry {
  private readonly operationsById = new Map<string, OperationInfo>();
  private readonly pathPatterns: { operation: OperationInfo; pattern: RegExp; parameters: number }[];
  private readonly compiler: SchemaCompiler;
  private readonly headerCompiler: SchemaCompiler;
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly sseRuleCache = new Map<string, SseRules>();

  constructor(
    readonly spec: LoadedSpec,
    options: { logger?: Logger } = {},
  ) {
    for (const operation of listOperations(spec.document))
      this.operationsById.set(operation.operationId, operation);
    this.pathPatterns = [...this.operationsById.values()]
      .map((operation) => ({
        operation,
        pattern: pathTemplatePattern(operation.path),
        parameters: operation.path.split("{").length - 1,
      }))
      .sort((left, right) => left.parameters - right.parameters);
    const keywords = collectExtensionKeywords(spec.document);
    const warn = (message: string): void => options.logger?.warn({ spec: spec.specPath }, message);
    this.compiler = new SchemaCompiler(createAjv(keywords, {}, warn), spec.document);
    this.headerCompiler = new SchemaCompiler(createAjv(keywords, { coerceTypes: true }, warn), spec.document);
  }

  /** Loads the spec (cached per process) and creates a registry over it. */
  static async load(
    specPath: string = DEFAULT_SPEC_PATH,
    options: { logger?: Logger } = {},
  ): Promise<ValidatorRegistry> {
    return new ValidatorRegistry(await loadSpec(specPath), options);
  }

  operations(): OperationInfo[] {
    return [...this.operationsById.values()];
  }

  /** Returns the operation with this id, or throws `UnknownOperationError` naming the closest ids. */
  operation(operationId: string): OperationInfo {
    const operation = this.operationsById.get(operationId);
    if (operation === undefined) throw new UnknownOperationError(operationId, this.operationsById.keys());
    return operation;
  }

  /**
   * Finds the operation that serves `method` on a concrete path such as `/v1/files/file_1`.
   * A literal segment wins over a parameter (`/v1/vector_stores/cancel` over `/{id}`).
   */
  findOperation(method: string, concretePath: string): OperationInfo | undefined {
    const path = concretePath.split("?")[0] ?? concretePath;
    const upper = method.toUpperCase();
    return this.pathPatterns.find(
      ({ operation, pattern }) => operation.method === upper && pattern.test(path),
    )?.operation;
  }

  /** Checks the status, the content type, the headers (when given) and the body of a response. */
  validateResponse(input: ResponseInput): ContractFailure[] {
    const operation = this.operation(input.operationId);
    const resolved = this.resolveResponse(operation, input.status);
    if (resolved === undefined) return [this.statusFailure(operation, input.status)];
    const failures: ContractFailure[] = [];
    if (input.headers !== undefined) {
      failures.push(
        ...checkResponseHeaders(normalizeHeaders(input.headers), {
          document: this.spec.document,
          response: resolved.response,
          responseSegments: resolved.segments,
          compile: (segments) =>
            this.cachedValidator(`header ${toPointer(segments)}`, () =>
              this.headerCompiler.compileAt(segments),
            ),
          failure: (fields) => failureOf(operation, CHECKS.responseHeader, fields),
          inferred: resolved.inferred,
        }),
      );
    }
    const content = resolved.response.content ?? {};
    const mediaTypes = Object.keys(content);
    if (mediaTypes.length === 0) return failures;
    const mediaType =
      input.contentType === undefined || input.contentType === ""
        ? undefined
        : matchMediaType(mediaTypes, input.contentType);
    if (mediaType === undefined) {
      return [...failures, this.contentTypeFailure(operation, input, resolved, mediaTypes)];
    }
    const media = content[mediaType] ?? {};
    failures.push(...this.checkBody(operation, input, resolved, mediaType, media));
    return failures;
  }

  /**
   * Checks one SSE `data:` payload: recognizes its event by the `x-sse` rules and validates it
   * against that event's schema. Throws when the operation documents no stream for this status.
   */
  validateEvent(input: EventInput): EventResult {
    const operation = this.operation(input.operationId);
    const resolved = this.streamResponse(operation, input.status);
    const rules = this.sseRules(input.operationId, input.status);
    if (typeof input.data === "string" && rules.terminator !== undefined && input.data === rules.terminator) {
      return { terminator: true, failures: [] };
    }

    let payload = input.data;
    if (typeof payload === "string") {
      const text = payload;
      try {
        payload = JSON.parse(text);
      } catch {
        return { failures: [this.eventNotJsonFailure(operation, resolved, rules, text)] };
      }
    }
    const rule = rules.events.find((candidate) => matchesEvent(candidate, payload));
    if (rule === undefined)
      return { failures: [this.unknownEventFailure(operation, resolved, rules, payload)] };

    const key = `${operation.operationId} ${resolved.key} event ${rule.name}`;
    const validate = this.cachedValidator(key, () => this.compiler.compileComponent(rule.schema));
    if (validate(payload) === true) return { event: rule.name, failures: [] };
    const componentSegments = ["components", "schemas", rule.schema];
    const failures = schemaFailures(validate.errors ?? [], {
      operationId: operation.operationId,
      method: operation.method,
      path: operation.path,
      check: CHECKS.sseEventSchema,
      subject: `SSE event ${rule.name}`,
      document: this.spec.document,
      locator: this.spec.locator,
      toDocumentPath: (schemaPath) => this.compiler.toDocumentPath(schemaPath, componentSegments),
      inferred: resolved.inferred || isInferredAlong(this.spec.document, componentSegments),
    });
    return { event: rule.name, failures };
  }

  /** Checks the text of an SSE comment line (after the `:`) against the documented patterns. */
  validateComment(input: { operationId: string; status: number; comment: string }): ContractFailure[] {
    const operation = this.operation(input.operationId);
    const resolved = this.streamResponse(operation, input.status);
    const patterns = this.sseRules(input.operationId, input.status).comments;
    if (patterns === undefined || patterns.some((pattern) => pattern.test(input.comment))) return [];
    const documented = patterns.map((pattern) => pattern.source).join(" | ");
    return [
      failureOf(operation, CHECKS.sseComment, {
        title: "Undocumented SSE comment line",
        message:
          `An SSE comment line does not match the documented patterns: received ${formatValue(input.comment)}; ` +
          `the spec documents ${documented}. Send only documented comments, or add the pattern to x-sse.comments.`,
        received: formatValue(input.comment),
        documented,
        inferred: resolved.inferred,
      }),
    ];
  }

  /** Returns the `x-sse` rules of the operation's stream for `status`, or throws when there is none. */
  sseRules(operationId: string, status: number): SseRules {
    const operation = this.operation(operationId);
    const resolved = this.streamResponse(operation, status);
    const key = `${operationId} ${resolved.key}`;
    const cached = this.sseRuleCache.get(key);
    if (cached !== undefined) return cached;
    const raw = (resolved.response.content?.[EVENT_STREAM] as Record<string, unknown> | undefined)?.["x-sse"];
    if (raw === undefined) {
      throw new Error(
        `${operationId} ${resolved.key} declares ${EVENT_STREAM} without x-sse. ` +
          `Add the event list at ${toPointer([...resolved.segments, "content", EVENT_STREAM])}.`,
      );
    }
    const rules = parseSseRules(raw);
    this.sseRuleCache.set(key, rules);
    return rules;
  }

  /**
   * Compiles every validator now instead of on first use, and returns the schemas ajv cannot
   * compile, located in their source files. `checkSchemasStrict` reports strict-mode warnings.
   */
  compileAll(): SpecProblem[] {
    const problems: SpecProblem[] = [];
    const attempt = (segments: string[], compile: () => void): void => {
      try {
        compile();
      } catch (error) {
        problems.push({
          ...this.spec.locator.locate(toPointer(segments)),
          message: `ajv cannot compile this schema: ${error instanceof Error ? error.message : String(error)}`,
          rule: "ajv-compile",
          severity: "error",
        });
      }
    };
    for (const name of Object.keys(this.spec.document.components?.schemas ?? {})) {
      attempt(["components", "schemas", name], () => this.compiler.compileComponent(name));
    }
    for (const operation of this.operationsById.values()) {
      for (const key of Object.keys(operation.operation.responses ?? {})) {
        const resolved = this.responseAt(operation, key);
        for (const [mediaType, media] of Object.entries(resolved.response.content ?? {})) {
          if (media.schema === undefined || essenceOf(mediaType) === EVENT_STREAM) continue;
          const segments = [...resolved.segments, "content", mediaType, "schema"];
          attempt(segments, () => this.mediaValidator(operation, resolved, mediaType));
        }
      }
    }
    return problems;
  }

  private checkBody(
    operation: OperationInfo,
    input: ResponseInput,
    resolved: ResolvedResponse,
    mediaType: string,
    media: MediaTypeObject,
  ): ContractFailure[] {
    if (essenceOf(mediaType) === EVENT_STREAM) return [];
    const schema =
      media.schema === undefined
        ? undefined
        : resolveReference<SchemaObject>(this.spec.document, media.schema);
    const contentType = input.contentType ?? mediaType;
    if (isBinarySchema(schema) || isBinaryMediaType(contentType)) {
      return byteLength(input.body) > 0
        ? []
        : [
            failureOf(operation, CHECKS.responseSchema, {
              title: "Binary response body is empty",
              message:
                `The ${contentType} body is empty: received ${formatValue(input.body)}; the spec documents ` +
                `non-empty ${mediaType} bytes. Send the content, or document a status without a body.`,
              received: formatValue(input.body),
              documented: `${mediaType} bytes`,
              inferred: resolved.inferred,
            }),
          ];
    }
    if (media.schema === undefined) return [];
    let body = input.body;
    if (isJsonMediaType(contentType) && (typeof body === "string" || body instanceof Uint8Array)) {
      const text = typeof body === "string" ? body : new TextDecoder().decode(body);
      try {
        body = JSON.parse(text);
      } catch {
        return [
          failureOf(operation, CHECKS.responseSchema, {
            title: "Response body is not JSON",
            message:
              `The ${contentType} body does not parse as JSON: received ${formatValue(text)}; the spec documents ` +
              `a ${mediaType} body. Send valid JSON, or document the real content type.`,
            received: formatValue(text),
            documented: mediaType,
            inferred: resolved.inferred,
          }),
        ];
      }
    } else if (body instanceof Uint8Array) {
      body = new TextDecoder().decode(body);
    }
    const validate = this.mediaValidator(operation, resolved, mediaType);
    if (validate(body) === true) return [];
    const mediaSegments = [...resolved.segments, "content", mediaType, "schema"];
    return schemaFailures(validate.errors ?? [], {
      operationId: operation.operationId,
      method: operation.method,
      path: operation.path,
      check: CHECKS.responseSchema,
      subject: "Response body",
      document: this.spec.document,
      locator: this.spec.locator,
      toDocumentPath: (schemaPath) => this.compiler.toDocumentPath(schemaPath, mediaSegments),
      inferred:
        resolved.inferred ||
        isInferredAlong(this.spec.document, mediaSegments) ||
        (schema as Record<string, unknown> | undefined)?.["x-inferred"] === true,
    });
  }

  private mediaValidator(
    operation: OperationInfo,
    resolved: ResolvedResponse,
    mediaType: string,
  ): ValidateFunction {
    const key = `${operation.operationId} ${resolved.key} ${mediaType}`;
    return this.cachedValidator(key, () =>
      this.compiler.compileAt([...resolved.segments, "content", mediaType, "schema"]),
    );
  }

  private cachedValidator(key: string, compile: () => ValidateFunction): ValidateFunction {
    let validate = this.validators.get(key);
    if (validate === undefined) {
      validate = compile();
      this.validators.set(key, validate);
    }
    return validate;
  }

  private resolveResponse(operation: OperationInfo, status: number): ResolvedResponse | undefined {
    const key = findResponseKey(Object.keys(operation.operation.responses ?? {}), status);
    return key === undefined ? undefined : this.responseAt(operation, key);
  }

  private responseAt(operation: OperationInfo, key: string): ResolvedResponse {
    const value = operation.operation.responses?.[key];
    const segments = isReference(value)
      ? parsePointer(value.$ref)
      : [...parsePointer(operation.pointer), "responses", key];
    const response = resolveReference<ResponseObject>(this.spec.document, value ?? {});
    return { key, response, segments, inferred: isInferredAlong(this.spec.document, segments) };
  }

  private streamResponse(operation: OperationInfo, status: number): ResolvedResponse {
    const resolved = this.resolveResponse(operation, status);
    if (resolved === undefined || resolved.response.content?.[EVENT_STREAM] === undefined) {
      throw new Error(
        `${operation.operationId} documents no ${EVENT_STREAM} response for status ${status}. ` +
          "Check the operationId and status, or validate the response with validateResponse().",
      );
    }
    return resolved;
  }

  private eventNotJsonFailure(
    operation: OperationInfo,
    resolved: ResolvedResponse,
    rules: SseRules,
    data: string,
  ): ContractFailure {
    const terminator = rules.terminator === undefined ? "" : ` and the terminator ${rules.terminator}`;
    return failureOf(operation, CHECKS.sseEventSchema, {
      title: "SSE event data is not JSON",
      message:
        `An SSE data payload is not JSON: received ${formatValue(data)}. The spec documents JSON events${terminator}. ` +
        "Send one JSON value per data field.",
      received: formatValue(data),
      inferred: resolved.inferred,
    });
  }

  private unknownEventFailure(
    operation: OperationInfo,
    resolved: ResolvedResponse,
    rules: SseRules,
    payload: unknown,
  ): ContractFailure {
    const documented = rules.events.map((event) => `${event.name} ${formatValue(event.when)}`).join("; ");
    return failureOf(operation, CHECKS.sseEventType, {
      title: "Unknown SSE event type",
      message:
        `An SSE event matches none of the documented event types: received ${formatValue(payload)}. ` +
        `The spec documents ${documented}. Send only documented events, or add the event to x-sse.`,
      received: formatValue(payload),
      documented,
      inferred: resolved.inferred,
    });
  }

  private statusFailure(operation: OperationInfo, status: number): ContractFailure {
    const documented = Object.keys(operation.operation.responses ?? {}).join(", ");
    return failureOf(operation, CHECKS.statusCode, {
      title: "Undocumented status code",
      message:
        `Received status ${status}; the spec documents ${documented} for ${operation.operationId} ` +
        `(${operation.method} ${operation.path}). Fix the server, or document the status if it is intended.`,
      received: String(status),
      documented,
      inferred: false,
    });
  }

  private contentTypeFailure(
    operation: OperationInfo,
    input: ResponseInput,
    resolved: ResolvedResponse,
    mediaTypes: string[],
  ): ContractFailure {
    const received =
      input.contentType === undefined || input.contentType === "" ? "no Content-Type" : input.contentType;
    return failureOf(operation, CHECKS.contentType, {
      title: "Undocumented content type",
      message:
        `Received ${received} with status ${input.status}; the spec documents ${mediaTypes.join(", ")} for ` +
        `${operation.operationId} ${resolved.key}. Send a documented type, or document this one.`,
      received,
      documented: mediaTypes.join(", "),
      inferred: resolved.inferred,
    });
  }
}

function isBinarySchema(schema: SchemaObject | undefined): boolean {
  return schema?.type === "string" && schema.format === "binary";
}

function byteLength(body: unknown): number {
  if (body instanceof Uint8Array || body instanceof ArrayBuffer) return body.byteLength;
  if (typeof body === "string") return body.length;
  return 0;
}
