import { redactText } from "../log/redact.ts";

/**
 * Classes of failed requests. A failed request is counted and kept out of every latency figure.
 * - `http-status`: the response status was not 2xx.
 * - `stream-error-event`: the stream carried an in-band error event.
 * - `stream-incomplete`: the stream ended (or the connection broke after the headers) without
 *   `data: [DONE]`.
 * - `invalid-response`: a 2xx response whose body the scenario cannot use (not JSON, no content
 *   delta, fewer embeddings than inputs).
 * - `timeout`: no complete response within the request timeout.
 * - `connection-error`: the connection failed before response headers (refused, reset).
 */
export type FailureKind =
  | "http-status"
  | "stream-error-event"
  | "stream-incomplete"
  | "invalid-response"
  | "timeout"
  | "connection-error";

export const FAILURE_KINDS: readonly FailureKind[] = [
  "http-status",
  "stream-error-event",
  "stream-incomplete",
  "invalid-response",
  "timeout",
  "connection-error",
];

export interface RequestFailure {
  readonly kind: FailureKind;
  /** Redacted, truncated description for the report's failure samples. */
  readonly message: string;
}

/** Where the output token count of a request came from. */
export type TokenCountSource = "usage" | "counted-deltas";

/** Timing of one streamed response. All times are `performance.now()` milliseconds. */
export interface StreamTiming {
  /** Receive time of each non-empty content delta, in order. The role-only chunk is not one. */
  readonly deltaTimes: readonly number[];
  readonly outputTokens: number;
  readonly tokenSource: TokenCountSource;
}

/** Result of one request, as the load loops pass it to the recorder. */
export interface RequestOutcome {
  /** Planned send time: the open-loop schedule's time, or the send time in a closed loop. */
  readonly plannedAt: number;
  /** When the request was handed to the HTTP client. */
  readonly sentAt: number;
  readonly headersAt: number | undefined;
  readonly firstByteAt: number | undefined;
  /** When the response ended, failed or timed out. */
  readonly endedAt: number;
  readonly status: number | undefined;
  readonly bytesReceived: number;
  readonly failure: RequestFailure | undefined;
  /** Set by the stream client for 2xx streams. */
  readonly stream: StreamTiming | undefined;
  /** Output tokens of a non-streamed response, from `usage.completion_tokens` when present. */
  readonly outputTokens: number | undefined;
  /** True when the run was stopped (Ctrl-C) while this request was in flight; it is not counted. */
  readonly aborted: boolean;
}

/**
 * Shortens and flattens a message for a report, so one bad response cannot bloat it. Secrets are
 * redacted before the cut, because a cut key no longer matches its registered value.
 */
export function truncateMessage(text: string, maxLength = 300): string {
  const flat = redactText(text).replace(/\s+/g, " ").trim();
  return flat.length <= maxLength ? flat : `${flat.slice(0, maxLength - 1)}…`;
}
