import { Agent, FormData, errors, request as undiciRequest, type Dispatcher } from "undici";
import type { Logger } from "../log/logger.ts";
import { readSseStream, type SseTranscript } from "../sse/read-sse-stream.ts";
import type {
  Credential,
  Exchange,
  ExchangeError,
  ExchangeResponse,
  MultipartField,
  RequestBody,
} from "./exchange.ts";

export interface HttpClientOptions {
  /** Server root without `/v1`, such as `http://127.0.0.1:4010`; request paths are appended to it. */
  readonly root: string;
  /** Deadline of one exchange, from sending the request to the end of the body, in ms. */
  readonly requestTimeoutMs: number;
  /** Deadline for opening a connection, in ms. */
  readonly connectTimeoutMs: number;
  /** Maximum response body kept, in bytes; a longer body fails the exchange. Default 32 MiB. */
  readonly maxBodyBytes?: number;
  readonly logger?: Logger;
}

/** One request to send. Exactly one of `json`, `multipart` and `bytes` may be given. */
export interface HttpRequest {
  readonly method: string;
  /** Concrete path from the server root, such as `/v1/files/file_1`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  readonly headers?: Readonly<Record<string, string>>;
  readonly json?: unknown;
  readonly multipart?: readonly MultipartField[];
  readonly bytes?: { readonly contentType: string; readonly data: Uint8Array };
  readonly credential: Credential;
  /** Overrides the client's request timeout for this exchange, in ms. */
  readonly timeoutMs?: number;
}

const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;
const CREDENTIAL_HEADERS = new Set(["x-api-key", "authorization"]);

/**
 * HTTP client of the contract suites, on undici. Every exchange is bounded by a connect timeout and
 * an overall deadline, records its request (without the key), status, headers and body bytes, and
 * reads `text/event-stream` bodies as SSE. Failures to connect or time-outs are recorded in the
 * exchange instead of thrown, so a check can report them against the operation.
 */
export class HttpClient {
  private readonly dispatcher: Agent;
  private sequence = 0;

  constructor(private readonly options: HttpClientOptions) {
    this.dispatcher = new Agent({
      connect: { timeout: options.connectTimeoutMs },
      headersTimeout: options.requestTimeoutMs,
      bodyTimeout: options.requestTimeoutMs,
      keepAliveTimeout: 4_000,
    });
  }

  get root(): string {
    return this.options.root;
  }

  /** Sends `request` and returns the recorded exchange; never throws for network failures. */
  async send(request: HttpRequest): Promise<Exchange> {
    this.sequence += 1;
    const sequence = this.sequence;
    const url = buildUrl(this.options.root, request.path, request.query);
    const body = recordedBody(request);
    const headers = { ...lowercaseKeys(request.headers ?? {}) };
    for (const name of CREDENTIAL_HEADERS) delete headers[name];
    if (body.kind === "json") headers["content-type"] ??= "application/json";
    if (body.kind === "bytes") headers["content-type"] = body.contentType;

    const startedAt = new Date();
    const started = performance.now();
    const timeoutMs = request.timeoutMs ?? this.options.requestTimeoutMs;
    const signal = AbortSignal.timeout(timeoutMs);
    let response: ExchangeResponse | undefined;
    let error: ExchangeError | undefined;
    try {
      const payload = wireBody(body);
      const result = await undiciRequest(url, {
        method: request.method.toUpperCase() as Dispatcher.HttpMethod,
        headers: { ...headers, ...credentialHeaders(request.credential) },
        ...(payload === undefined ? {} : { body: payload }),
        dispatcher: this.dispatcher,
        signal,
      });
      const outcome = await this.readBody(result, timeoutMs);
      response = outcome.response;
      error = outcome.error;
    } catch (caught) {
      error = classifyError(caught, timeoutMs, this.options.connectTimeoutMs);
    }

    const exchange: Exchange = {
      sequence,
      request: {
        method: request.method.toUpperCase(),
        url,
        path: request.path,
        headers,
        body,
        credential: {
          scheme: request.credential.scheme,
          variable: request.credential.scheme === "none" ? undefined : request.credential.variable,
        },
      },
      response,
      error,
      startedAt: startedAt.toISOString(),
      durationMs: performance.now() - started,
    };
    this.options.logger?.debug(
      {
        sequence,
        method: exchange.request.method,
        path: exchange.request.path,
        status: response?.status,
        error: error?.kind,
        durationMs: Math.round(exchange.durationMs),
      },
      "exchange finished",
    );
    return exchange;
  }

  /** Closes the connection pool; pending exchanges fail. */
  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  private async readBody(
    result: Dispatcher.ResponseData,
    timeoutMs: number,
  ): Promise<{ response: ExchangeResponse; error: ExchangeError | undefined }> {
    const headers = flattenHeaders(result.headers);
    const maxBytes = this.options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    const chunks: Uint8Array[] = [];
    let size = 0;
    const capture = async function* (): AsyncGenerator<Uint8Array> {
      for await (const chunk of result.body as AsyncIterable<Uint8Array>) {
        size += chunk.byteLength;
        if (size > maxBytes) throw new BodyTooLargeError(maxBytes);
        chunks.push(chunk);
        yield chunk;
      }
    };

    let sse: SseTranscript | undefined;
    let error: ExchangeError | undefined;
    try {
      if (isEventStream(headers["content-type"])) {
        sse = await readSseStream(capture());
      } else {
        for await (const chunk of capture()) void chunk;
      }
    } catch (caught) {
      error = classifyError(caught, timeoutMs, this.options.connectTimeoutMs);
      result.body.destroy();
    }
    const body = Buffer.concat(chunks);
    const response: ExchangeResponse =
      sse === undefined
        ? { status: result.statusCode, headers, body }
        : { status: result.statusCode, headers, body, sse };
    return { response, error };
  }
}

class BodyTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`the response body exceeded ${maxBytes} bytes`);
  }
}

function isEventStream(contentType: string | undefined): boolean {
  return contentType !== undefined && contentType.split(";")[0]?.trim().toLowerCase() === "text/event-stream";
}

/** Joins the server root, the path and the query string. */
export function buildUrl(
  root: string,
  path: string,
  query: Readonly<Record<string, string | number | boolean | undefined>> | undefined,
): string {
  const url = new URL(`${root.replace(/\/+$/, "")}${path.startsWith("/") ? path : `/${path}`}`);
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined) url.searchParams.set(name, String(value));
  }
  return url.toString();
}

function recordedBody(request: HttpRequest): RequestBody {
  const given = [request.json !== undefined, request.multipart !== undefined, request.bytes !== undefined];
  if (given.filter(Boolean).length > 1) {
    throw new Error(`${request.method} ${request.path}: give only one of json, multipart and bytes.`);
  }
  if (request.json !== undefined) return { kind: "json", value: request.json };
  if (request.multipart !== undefined) return { kind: "multipart", fields: request.multipart };
  if (request.bytes !== undefined)
    return { kind: "bytes", contentType: request.bytes.contentType, data: request.bytes.data };
  return { kind: "none" };
}

function wireBody(body: RequestBody): string | Uint8Array | FormData | undefined {
  switch (body.kind) {
    case "none":
      return undefined;
    case "json":
      return JSON.stringify(body.value);
    case "bytes":
      return body.data;
    case "multipart": {
      const form = new FormData();
      for (const field of body.fields) {
        if ("value" in field) form.append(field.name, field.value);
        else
          form.append(
            field.name,
            new Blob([Buffer.from(field.data)], { type: field.contentType }),
            field.filename,
          );
      }
      return form;
    }
  }
}

function credentialHeaders(credential: Credential): Record<string, string> {
  if (credential.scheme === "none") return {};
  if (credential.scheme === "x-api-key") return { "x-api-key": credential.key };
  return { authorization: `Bearer ${credential.key}` };
}

function lowercaseKeys(headers: Readonly<Record<string, string>>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) result[name.toLowerCase()] = value;
  return result;
}

/** Flattens undici's response headers into lowercase names with repeated values joined by `, `. */
export function flattenHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    result[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return result;
}

/** Maps undici and abort errors to the kinds a report names. */
export function classifyError(error: unknown, timeoutMs: number, connectTimeoutMs: number): ExchangeError {
  if (error instanceof BodyTooLargeError) {
    return {
      kind: "body-too-large",
      message: `${error.message}; the harness keeps at most that much of a body`,
    };
  }
  if (error instanceof errors.ConnectTimeoutError) {
    return {
      kind: "connect-timeout",
      message: `no connection within ${connectTimeoutMs} ms; check the target URL and the network`,
    };
  }
  if (
    error instanceof errors.HeadersTimeoutError ||
    error instanceof errors.BodyTimeoutError ||
    (error instanceof DOMException && error.name === "TimeoutError") ||
    (error instanceof Error && error.name === "TimeoutError")
  ) {
    return { kind: "timeout", message: `no complete response within ${timeoutMs} ms` };
  }
  const code = (error as { code?: unknown }).code;
  if (
    error instanceof errors.SocketError ||
    code === "ECONNREFUSED" ||
    code === "ECONNRESET" ||
    code === "UND_ERR_SOCKET"
  ) {
    const reason = typeof code === "string" ? `${code}: ` : "";
    return {
      kind: "connection",
      message: `${reason}${error instanceof Error ? error.message : String(error)}`,
    };
  }
  return {
    kind: "other",
    message: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
  };
}
