import { createParser, type EventSourceParser, type ParseError } from "eventsource-parser";

/** One dispatched SSE event, with the time the read that completed it arrived. */
export interface SseEvent {
  /** Value of the event's `event:` field; undefined when the event had none (type "message"). */
  readonly event: string | undefined;
  /** Value of the event's `id:` field, if the event set one. */
  readonly id: string | undefined;
  /** The `data:` lines joined with "\n", exactly as sent and not parsed as JSON. */
  readonly data: string;
  /** `performance.now()` of the read that completed the event, in milliseconds. */
  readonly receivedAt: number;
  /** Position of the event in the stream, from 0. */
  readonly index: number;
}

/** A comment line (`:` followed by text); `text` is what follows the colon and one optional space. */
export interface SseComment {
  readonly text: string;
  readonly receivedAt: number;
}

/**
 * A line that the SSE standard requires a reader to ignore: an unknown field name, or a `retry:`
 * value that is not an integer. Reported so that a contract check can flag it.
 */
export interface SseIgnoredLine {
  readonly line: string;
  readonly reason: "unknown-field" | "invalid-retry";
  readonly receivedAt: number;
}

export interface SseReaderHandlers {
  onEvent(event: SseEvent): void;
  onComment?(comment: SseComment): void;
  onIgnoredLine?(line: SseIgnoredLine): void;
  /** A valid `retry:` field, in milliseconds. */
  onRetry?(retryMs: number): void;
}

export interface SseReaderOptions {
  /**
   * Maximum characters buffered for one unfinished line plus one unfinished event. Past it the
   * reader throws `SseBufferOverflowError`. Default 8 MiB of characters.
   */
  readonly maxBufferSize?: number;
}

/** Reader state at the end of the stream. */
export interface SseEndState {
  /**
   * The stream ended inside an event (data without the closing blank line, or a line without its
   * line ending). The standard discards such an event; this is its data, for diagnostics.
   */
  readonly discardedData: string | undefined;
  readonly eventCount: number;
  readonly bytesRead: number;
}

export interface SseReader {
  /**
   * Feeds one read of the response body. Events it completes are passed to the handlers before
   * `push` returns, all with the same `receivedAt` (default: `performance.now()` at the call).
   */
  push(chunk: Uint8Array | string, receivedAt?: number): void;
  /** Ends the stream. Further pushes throw. */
  end(receivedAt?: number): SseEndState;
}

/** Thrown by `SseReader.push` when an unfinished line or event grows past `maxBufferSize`. */
export class SseBufferOverflowError extends Error {
  override readonly name = "SseBufferOverflowError";
}

const DEFAULT_MAX_BUFFER_SIZE = 8 * 1024 * 1024;
const CR = 13;
const LF = 10;

/**
 * Creates an SSE reader on eventsource-parser 3 that accepts everything the WHATWG SSE standard
 * allows. Line endings may be LF, CRLF or a lone CR, mixed, and a CRLF may be split across reads.
 * It also accepts `data:` with or without the space, multi-line data, a leading byte order mark,
 * UTF-8 sequences and events split across any number of reads, and comment lines.
 *
 * Callbacks run synchronously inside `push`, so one reader costs one parser, one TextDecoder and
 * no promises; thousands can run side by side.
 */
export function createSseReader(handlers: SseReaderHandlers, options: SseReaderOptions = {}): SseReader {
  const decoder = new TextDecoder("utf-8");
  let receivedAt = 0;
  let eventCount = 0;
  let bytesRead = 0;
  let overflow: ParseError | undefined;
  let ending = false;
  let discardedData: string | undefined;
  let ended = false;
  // A chunk that ends in CR is fed with an LF appended, so the line is complete at once and its
  // event is not held back until the next read. A read that then starts with LF continues that
  // CRLF, so its first LF is dropped.
  let skipLeadingLineFeed = false;

  const parser: EventSourceParser = createParser({
    maxBufferSize: options.maxBufferSize ?? DEFAULT_MAX_BUFFER_SIZE,
    onEvent(message) {
      if (ending) {
        discardedData = message.data;
        return;
      }
      handlers.onEvent({
        event: message.event,
        id: message.id,
        data: message.data,
        receivedAt,
        index: eventCount,
      });
      eventCount += 1;
    },
    onComment(text) {
      if (!ending) handlers.onComment?.({ text, receivedAt });
    },
    onRetry(retryMs) {
      if (!ending) handlers.onRetry?.(retryMs);
    },
    onError(error) {
      if (error.type === "max-buffer-size-exceeded") {
        overflow = error;
        return;
      }
      if (!ending) handlers.onIgnoredLine?.({ line: error.line ?? "", reason: error.type, receivedAt });
    },
  });

  function feedText(text: string): void {
    let input = text;
    if (skipLeadingLineFeed && input.length > 0) {
      if (input.charCodeAt(0) === LF) input = input.slice(1);
      skipLeadingLineFeed = false;
    }
    if (input.length === 0) return;
    if (input.charCodeAt(input.length - 1) === CR) {
      input += "\n";
      skipLeadingLineFeed = true;
    }
    parser.feed(input);
    if (overflow !== undefined) {
      throw new SseBufferOverflowError(
        `SSE stream buffered more than ${options.maxBufferSize ?? DEFAULT_MAX_BUFFER_SIZE} characters ` +
          "without completing an event; the server sends a line or event that never ends. " +
          "Raise maxBufferSize if such large events are expected.",
      );
    }
  }

  return {
    push(chunk, at) {
      if (ended) throw new Error("SseReader.push called after end().");
      receivedAt = at ?? performance.now();
      if (typeof chunk === "string") {
        bytesRead += Buffer.byteLength(chunk);
        feedText(chunk);
        return;
      }
      bytesRead += chunk.byteLength;
      feedText(decoder.decode(chunk, { stream: true }));
    },
    end(at) {
      if (ended) throw new Error("SseReader.end called twice.");
      receivedAt = at ?? performance.now();
      feedText(decoder.decode());
      ended = true;
      // Two line feeds end any unfinished line and event. The standard discards an event that
      // the stream did not close, so `ending` routes it to `discardedData` instead of onEvent.
      ending = true;
      skipLeadingLineFeed = false;
      parser.feed("\n\n");
      return { discardedData, eventCount, bytesRead };
    },
  };
}
