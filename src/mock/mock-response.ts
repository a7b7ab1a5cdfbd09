/**
 * The response an operation handler returns. The adapters turn it into bytes on the wire, so
 * handlers never touch `node:http` or msw.
 */
export type MockResponse = JsonResponse | BinaryResponse | TextResponse | SseResponse;

interface ResponseBase {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Planned send time on the `performance.now()` clock, in ms. When omitted, the deployment plans
   * the send at the request's arrival plus the operation's latency from the timing model.
   */
  readonly at?: number;
}

export interface JsonResponse extends ResponseBase {
  readonly kind: "json";
  readonly body: unknown;
  /**
   * `JSON.stringify(body)` computed ahead, as text or UTF-8 bytes, for hot operations that cache
   * their bodies. The deployment drops it when a fault transform replaces `body`; transforms never
   * mutate `body`.
   */
  readonly serializedBody?: string | Uint8Array;
  /** Content-Type header; `application/json; charset=utf-8` when omitted. */
  readonly contentType?: string;
}

export interface BinaryResponse extends ResponseBase {
  readonly kind: "binary";
  readonly contentType: string;
  readonly body: Uint8Array;
}

export interface TextResponse extends ResponseBase {
  readonly kind: "text";
  readonly contentType: string;
  readonly body: string;
}

/**
 * A Server-Sent Events response. `frames` yields the events in order, each with its planned send
 * time; the deployment waits for that time, applies fault transforms and writes the frame.
 */
export interface SseResponse extends ResponseBase {
  readonly kind: "sse";
  /** Content-Type header; `text/event-stream` when omitted. */
  readonly contentType?: string;
  readonly frames: (signal: AbortSignal) => AsyncIterable<SseFrame> | Iterable<SseFrame>;
}

/** One SSE frame. A frame carries `data`, a `comment`, or both. */
export interface SseFrame {
  /** Planned send time on the `performance.now()` clock, in ms; omitted means "as soon as possible". */
  readonly at?: number;
  readonly event?: string;
  /** A string is written as is (for `[DONE]`); anything else is written as JSON. */
  readonly data?: unknown;
  /** Comment line text, written after `:`. */
  readonly comment?: string;
  /** Text written exactly as given instead of encoding the fields above; for faults that break framing. */
  readonly raw?: string;
}

export const JSON_CONTENT_TYPE = "application/json; charset=utf-8";
export const SSE_CONTENT_TYPE = "text/event-stream";

export function jsonResponse(status: number, body: unknown, headers?: Record<string, string>): JsonResponse {
  return headers === undefined ? { kind: "json", status, body } : { kind: "json", status, body, headers };
}

/** Encodes one frame in the SSE wire format, ending with the blank line that dispatches it. */
export function encodeSseFrame(frame: SseFrame): string {
  if (frame.raw !== undefined) return frame.raw;
  let text = "";
  if (frame.comment !== undefined) text += `: ${frame.comment}\n`;
  if (frame.event !== undefined) text += `event: ${frame.event}\n`;
  if (frame.data !== undefined) {
    const data = typeof frame.data === "string" ? frame.data : JSON.stringify(frame.data);
    // JSON text has no raw line breaks, so most frames skip the split.
    if (!data.includes("\n")) text += `data: ${data}\n`;
    else for (const line of data.split("\n")) text += `data: ${line}\n`;
  }
  return `${text}\n`;
}
