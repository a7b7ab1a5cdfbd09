import {
  createSseReader,
  type SseComment,
  type SseEndState,
  type SseEvent,
  type SseIgnoredLine,
  type SseReaderOptions,
} from "./sse-reader.ts";

/** Everything read from one SSE body, in arrival order. */
export interface SseTranscript extends SseEndState {
  readonly events: readonly SseEvent[];
  readonly comments: readonly SseComment[];
  readonly ignoredLines: readonly SseIgnoredLine[];
  /** `performance.now()` of the first body read; undefined for an empty body. */
  readonly firstByteAt: number | undefined;
  /** `performance.now()` when the body ended. */
  readonly endedAt: number;
}

/**
 * Reads a whole SSE body (an undici body, a Node stream or a web ReadableStream) and returns
 * every event, comment and ignored line with its receive time. For the contract suites; the load
 * client feeds `createSseReader` directly to avoid keeping events.
 */
export async function readSseStream(
  body: AsyncIterable<Uint8Array | string>,
  options: SseReaderOptions = {},
): Promise<SseTranscript> {
  const events: SseEvent[] = [];
  const comments: SseComment[] = [];
  const ignoredLines: SseIgnoredLine[] = [];
  const reader = createSseReader(
    {
      onEvent: (event) => events.push(event),
      onComment: (comment) => comments.push(comment),
      onIgnoredLine: (line) => ignoredLines.push(line),
    },
    options,
  );
  let firstByteAt: number | undefined;
  for await (const chunk of body) {
    const now = performance.now();
    firstByteAt ??= now;
    reader.push(chunk, now);
  }
  const endedAt = performance.now();
  const endState = reader.end(endedAt);
  return { ...endState, events, comments, ignoredLines, firstByteAt, endedAt };
}
