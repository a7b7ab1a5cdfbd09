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
  readonly bytes: Uint8Array;
  readonly text: string;
  /** JSON body, when the response is JSON. */
  readonly json: unknown;
  /** The `data:` payloads of an SSE response, in order. */
  readonly events: readonly string[] | undefined;
}

export const TEST_KEYS: Readonly<Record<string, string>> = {
  alice: "msq-test-alice-00000000000000000001",
  bob: "msq-test-bob-000000000000000000002",
  carol: "msq-test-carol-00000000000000000003",
};

/** Sends a case to the mock at `origin` with the global fetch (which msw intercepts in-process). */
export async function sendCase(origin: string, testCase: MockRequestCase): Promise<MockExchange> {
  const headers: Record<string, string> = { ...testCase.headers };
  const key = TEST_KEYS[testCase.account];
  if (key !== undefined) headers["x-api-key"] = key;
  let body: BodyInit | undefined;
  if (testCase.form !== undefined) {
    body = testCase.form();
  } else if (testCase.json !== undefined) {
    headers["content-type"] ??= "application/json";
    body = typeof testCase.json === "string" ? testCase.json : JSON.stringify(testCase.json);
  }
  const response = await fetch(`${origin}${testCase.path}`, {
    method: testCase.method,
    headers,
    ...(body === undefined ? {} : { body }),
    signal: AbortSignal.timeout(10_000),
  });
  return readExchange(response);
}

export async function readExchange(response: Response): Promise<MockExchange> {
  const contentType = response.headers.get("content-type") ?? "";
  if (contentType.startsWith("text/event-stream") && response.body !== null) {
    const transcript = await readSseStream(response.body as unknown as AsyncIterable<Uint8Array>);
    const events = transcript.events.map((event) => event.data);
    return {
      status: response.status,
      contentType,
      bytes: new Uint8Array(),
      text: events.join("\n"),
      json: undefined,
      events,
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
  return { status: response.status, contentType, bytes, text, json, events: undefined };
}

/** Parses the JSON payloads of SSE events, skipping the `[DONE]` terminator. */
export function eventPayloads(exchange: MockExchange): Record<string, unknown>[] {
  return (exchange.events ?? [])
    .filter((data) => data !== "[DONE]")
    .map((data) => JSON.parse(data) as Record<string, unknown>);
}
