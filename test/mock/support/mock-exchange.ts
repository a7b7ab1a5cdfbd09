import type { RunningMock } from "../../../src/mock/server.ts";
import { readSseStream } from "../../../src/sse/read-sse-stream.ts";

/** One request to the mock, described independently of the adapter that serves it. */
export interface MockRequestCase {
  /** Short label used in test names. */
  readonly name: string;
  readonly operationId: string;
  readonly method: string;
  readonly path: string;
  /** Seeded account whose key is sent in x-api-key; `none` sends no key. */
  readonly account: "alice" | "bob" | "carol" | "none";
  readonly json?: unknown;
  /** Builds a multipart body; a fresh one per send, because a FormData body is consumed. */
  readonly form?: () => FormData;
  readonly headers?: Readonly<Record<string, string>>;
  readonly expectedStatus: number;
}

/** A response read completely, with its SSE events parsed when it is a stream. */
export interface MockExchange {
  readonly status: number;
  readonly contentType: string;
  /** Response headers by lowercase name. */
  readonly headers: Readonly<Record<string, string>>;
  readonly bytes: Uint8Array;
  readonly text: string;
  /** JSON body, when the response is JSON. */
  readonly json: unknown;
  /** The `data:` payloads of an SSE response, in order. */
  readonly events: readonly string[] | undefined;
  /** The comment lines of an SSE response, without the colon; empty for other responses. */
  readonly comments: readonly string[];
}

/** A seeded account whose key a request sends in x-api-key, or `none` for no key. */
export type Caller = "alice" | "bob" | "carol" | "none";

export const TEST_KEYS: Readonly<Record<string, string>> = {
  alice: "msq-test-alice-00000000000000000001",
  bob: "msq-test-bob-000000000000000000002",
  carol: "msq-test-carol-00000000000000000003",
};

/** Sends a case to the mock at `origin` with the global fetch (which msw intercepts in-process). */
export function sendCase(origin: string, testCase: MockRequestCase): Promise<MockExchange> {
  const body = testCase.form === undefined ? testCase.json : testCase.form();
  return sendRequest(origin, testCase.account, testCase.method, testCase.path, body, testCase.headers);
}

/**
 * Sends one request to the mock at `origin` as `caller`. A FormData body is sent as multipart, a
 * string as it is and any other body as JSON; strings and JSON get `Content-Type:
 * application/json` unless `headers` set another.
 */
export async function sendRequest(
  origin: string,
  caller: Caller,
  method: string,
  path: string,
  body?: unknown,
  headers: Readonly<Record<string, string>> = {},
): Promise<MockExchange> {
  const key = TEST_KEYS[caller];
  const requestHeaders: Record<string, string> = key === undefined ? {} : { "x-api-key": key };
  let payload: BodyInit | undefined;
  if (body instanceof FormData) {
    payload = body;
  } else if (body !== undefined) {
    requestHeaders["content-type"] = "application/json";
    payload = typeof body === "string" ? body : JSON.stringify(body);
  }
  const response = await fetch(`${origin}${path}`, {
    method,
    headers: { ...requestHeaders, ...headers },
    ...(payload === undefined ? {} : { body: payload }),
    signal: AbortSignal.timeout(15_000),
  });
  return readExchange(response);
}

/** Sends requests to one running mock without checking them against the spec, as fault probes need. */
export class MockClient {
  constructor(readonly mock: RunningMock) {}

  call(
    caller: Caller,
    method: string,
    path: string,
    body?: unknown,
    headers: Readonly<Record<string, string>> = {},
  ): Promise<MockExchange> {
    return sendRequest(this.mock.origin, caller, method, path, body, headers);
  }
}

export async function readExchange(response: Response): Promise<MockExchange> {
  const contentType = response.headers.get("content-type") ?? "";
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  if (contentType.startsWith("text/event-stream") && response.body !== null) {
    const transcript = await readSseStream(response.body as unknown as AsyncIterable<Uint8Array>);
    const events = transcript.events.map((event) => event.data);
    return {
      status: response.status,
      contentType,
      headers,
      bytes: new Uint8Array(),
      text: events.join("\n"),
      json: undefined,
      events,
      comments: transcript.comments.map((comment) => comment.text),
    };
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  const text = new TextDecoder().decode(bytes);
  let json: unknown;
  if (contentType.includes("json")) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  return {
    status: response.status,
    contentType,
    headers,
    bytes,
    text,
    json,
    events: undefined,
    comments: [],
  };
}

/** Returns the JSON body as an object. */
export function jsonBody(exchange: MockExchange): Record<string, unknown> {
  return exchange.json as Record<string, unknown>;
}

/** Returns the `data` member of a JSON body. */
export function jsonData<T = Record<string, unknown>>(exchange: MockExchange): T {
  return jsonBody(exchange)["data"] as T;
}

/** Parses the JSON payloads of SSE events, skipping the `[DONE]` terminator. */
export function eventPayloads(exchange: MockExchange): Record<string, unknown>[] {
  return (exchange.events ?? [])
    .filter((data) => data !== "[DONE]")
    .map((data) => JSON.parse(data) as Record<string, unknown>);
}

/** Returns the `type` of every SSE payload, in order. */
export function eventTypes(exchange: MockExchange): unknown[] {
  return eventPayloads(exchange).map((payload) => payload["type"]);
}
