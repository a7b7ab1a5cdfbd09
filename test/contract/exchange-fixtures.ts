import type { Exchange, RequestBody } from "../../src/http/exchange.ts";
import { createSseReader } from "../../src/sse/sse-reader.ts";
import type { SseTranscript } from "../../src/sse/read-sse-stream.ts";

/** Options of a hand-made exchange. */
export interface ExchangeOptions {
  readonly method?: string;
  readonly path?: string;
  readonly requestBody?: RequestBody;
  readonly status?: number;
  readonly headers?: Record<string, string>;
  readonly json?: unknown;
  readonly text?: string;
  readonly bytes?: Uint8Array;
  /** SSE body as raw chunks, each fed to the reader as one read (so tests can split events). */
  readonly sseChunks?: readonly string[];
  readonly error?: Exchange["error"];
  readonly noResponse?: boolean;
}

/** Builds an exchange as the HTTP client records it, without a network. */
export function makeExchange(options: ExchangeOptions = {}): Exchange {
  let body: Uint8Array;
  let sse: SseTranscript | undefined;
  const headers: Record<string, string> = { ...options.headers };
  if (options.sseChunks !== undefined) {
    const text = options.sseChunks.join("");
    body = new TextEncoder().encode(text);
    sse = transcriptOf(options.sseChunks);
    headers["content-type"] ??= "text/event-stream";
  } else if (options.json !== undefined) {
    body = new TextEncoder().encode(JSON.stringify(options.json));
    headers["content-type"] ??= "application/json; charset=utf-8";
  } else if (options.text !== undefined) {
    body = new TextEncoder().encode(options.text);
  } else {
    body = options.bytes ?? new Uint8Array();
  }
  const path = options.path ?? "/v1/models";
  return {
    sequence: 1,
    request: {
      method: options.method ?? "GET",
      url: `http://127.0.0.1:4010${path}`,
      path,
      headers: {},
      body: options.requestBody ?? { kind: "none" },
      credential: { scheme: "x-api-key", variable: "MSQ_API_KEY" },
    },
    response:
      options.noResponse === true
        ? undefined
        : { status: options.status ?? 200, headers, body, ...(sse === undefined ? {} : { sse }) },
    error: options.error,
    startedAt: "2026-12-04T00:00:00.000Z",
    durationMs: 1,
  };
}

/** Reads SSE chunks with the project's reader, one push per chunk. */
export function transcriptOf(chunks: readonly string[]): SseTranscript {
  const events: SseTranscript["events"][number][] = [];
  const comments: SseTranscript["comments"][number][] = [];
  const ignoredLines: SseTranscript["ignoredLines"][number][] = [];
  const reader = createSseReader({
    onEvent: (event) => events.push(event),
    onComment: (comment) => comments.push(comment),
    onIgnoredLine: (line) => ignoredLines.push(line),
  });
  for (const chunk of chunks) reader.push(new TextEncoder().encode(chunk), 0);
  const end = reader.end(0);
  return { ...end, events, comments, ignoredLines, firstByteAt: 0, endedAt: 0 };
}

const BASE = { id: "chatcmpl-1", object: "chat.completion.chunk", created: 1_764_860_000, model: "m" };

/** Returns a chat chunk payload with one choice. */
export function chunk(
  delta: Record<string, unknown>,
  finishReason: string | null = null,
  extra: Record<string, unknown> = {},
): string {
  return JSON.stringify({ ...BASE, choices: [{ index: 0, delta, finish_reason: finishReason }], ...extra });
}

/** Returns the usage chunk that ends a stream with include_usage. */
export function usageChunk(): string {
  return JSON.stringify({
    ...BASE,
    choices: [],
    usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
  });
}

/** Returns the SSE frames of a valid chat stream: role, two content deltas, finish, optional usage, [DONE]. */
export function validChatFrames(options: { usage?: boolean; lineEnding?: string } = {}): string[] {
  const end = options.lineEnding ?? "\n";
  const frame = (data: string): string => `data: ${data}${end}${end}`;
  return [
    frame(chunk({ role: "assistant" })),
    frame(chunk({ content: "Hel" })),
    frame(chunk({ content: "lo" })),
    frame(chunk({}, "stop")),
    ...(options.usage === true ? [frame(usageChunk())] : []),
    frame("[DONE]"),
  ];
}
