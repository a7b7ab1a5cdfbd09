import type { SseTranscript } from "../sse/read-sse-stream.ts";

/**
 * How a request authenticates. The key itself stays in the credential and is never copied into a
 * recorded exchange; the exchange keeps only `CredentialLabel`.
 */
export type Credential =
  | { readonly scheme: "none" }
  | {
      readonly scheme: "x-api-key" | "bearer";
      readonly key: string;
      /**
       * Environment variable that holds the key, such as `MSQ_API_KEY`; curl reproductions show
       * `$MSQ_API_KEY` in its place. Undefined for made-up probe keys, which are shown redacted.
       */
      readonly variable: string | undefined;
    };

/** What a recorded exchange keeps of its credential: the scheme and the variable, never the key. */
export interface CredentialLabel {
  readonly scheme: Credential["scheme"];
  readonly variable: string | undefined;
}

/** One part of a `multipart/form-data` body. */
export type MultipartField =
  | { readonly name: string; readonly value: string }
  | {
      readonly name: string;
      readonly filename: string;
      readonly contentType: string;
      readonly data: Uint8Array;
    };

/** A request body as sent. */
export type RequestBody =
  | { readonly kind: "none" }
  | { readonly kind: "json"; readonly value: unknown }
  | { readonly kind: "multipart"; readonly fields: readonly MultipartField[] }
  | { readonly kind: "bytes"; readonly contentType: string; readonly data: Uint8Array };

export interface ExchangeRequest {
  /** Uppercase HTTP method. */
  readonly method: string;
  /** Absolute URL with the query string. */
  readonly url: string;
  /** Concrete path without the query, such as `/v1/files/file_123`. */
  readonly path: string;
  /** Headers sent, without the credential header. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: RequestBody;
  readonly credential: CredentialLabel;
}

export interface ExchangeResponse {
  readonly status: number;
  /** Response headers with lowercase names; repeated headers joined by `, `. */
  readonly headers: Readonly<Record<string, string>>;
  /** Every body byte received, also for SSE streams. */
  readonly body: Uint8Array;
  /** The events, comments and ignored lines of a `text/event-stream` body read as SSE. */
  readonly sse?: SseTranscript;
}

/** Why an exchange has no complete response. */
export interface ExchangeError {
  readonly kind: "connect-timeout" | "timeout" | "connection" | "body-too-large" | "other";
  readonly message: string;
}

/**
 * One request and what came back, recorded for the checks and the reports. `response` is set when
 * a status line arrived; `error` is set when the exchange failed before the body was complete.
 */
export interface Exchange {
  /** Number of the exchange within its client, from 1. */
  readonly sequence: number;
  readonly request: ExchangeRequest;
  readonly response: ExchangeResponse | undefined;
  readonly error: ExchangeError | undefined;
  /** ISO time the request was sent. */
  readonly startedAt: string;
  readonly durationMs: number;
}

const textCache = new WeakMap<Exchange, string>();
const jsonCache = new WeakMap<Exchange, JsonBody>();

/** The response body decoded as UTF-8; empty when there is no response. */
export function responseText(exchange: Exchange): string {
  let text = textCache.get(exchange);
  if (text === undefined) {
    text = exchange.response === undefined ? "" : new TextDecoder().decode(exchange.response.body);
    textCache.set(exchange, text);
  }
  return text;
}

/** A response body parsed as JSON, or the parse error. */
export type JsonBody =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: string };

/** Parses the response body as JSON once and caches the result. */
export function responseJson(exchange: Exchange): JsonBody {
  let parsed = jsonCache.get(exchange);
  if (parsed === undefined) {
    try {
      parsed = { ok: true, value: JSON.parse(responseText(exchange)) as unknown };
    } catch (error) {
      parsed = { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    jsonCache.set(exchange, parsed);
  }
  return parsed;
}

/** The response's `Content-Type` header, or undefined. */
export function responseContentType(exchange: Exchange): string | undefined {
  return exchange.response?.headers["content-type"];
}

/** Describes an exchange in one line, without secrets: `POST /v1/files -> 201` or `-> timeout`. */
export function describeExchange(exchange: Exchange): string {
  const outcome =
    exchange.response !== undefined
      ? String(exchange.response.status)
      : `${exchange.error?.kind ?? "no response"}: ${exchange.error?.message ?? ""}`;
  return `${exchange.request.method} ${exchange.request.path} -> ${outcome}`;
}
