import type { HistogramSummary } from "./histogram.ts";
import type { FailureKind } from "./request-outcome.ts";

/**
 * Latency and size distributions of a trial. Durations are in microseconds; `outputTokens` counts
 * tokens per request. Definitions are in bench/METRICS.md.
 */
export type MetricName = "e2e" | "ttfb" | "ttft" | "itl" | "tpot" | "queueDelay" | "outputTokens";

export const METRIC_NAMES: readonly MetricName[] = [
  "e2e",
  "ttfb",
  "ttft",
  "itl",
  "tpot",
  "queueDelay",
  "outputTokens",
];

export interface MetricHistogram {
  readonly unit: "us" | "tokens";
  readonly summary: HistogramSummary;
  /** The HDR histogram in the standard compressed base64 encoding. */
  readonly encoded: string;
}

/** Load in one second of a trial, counted from the end of the warm-up. */
export interface TimelineBucket {
  readonly second: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly outputTokens: number;
  readonly bytes: number;
}

export interface TrialCounts {
  /** Requests planned (open loop) or sent (closed loop) after the warm-up. */
  readonly sent: number;
  readonly succeeded: number;
  readonly failed: number;
  /** Requests of the warm-up, excluded from every figure. */
  readonly warmup: number;
  /** Requests cut off by a stop (Ctrl-C), excluded from every figure. */
  readonly aborted: number;
  readonly failures: Readonly<Record<FailureKind, number>>;
  /** Responses by HTTP status code, successes and failures alike. */
  readonly statusCodes: Readonly<Record<string, number>>;
  /** Response body bytes of all measured requests. */
  readonly bytesReceived: number;
}

export interface TrialThroughput {
  /** Successful requests per second of the measured duration. */
  readonly requestsPerSec: number;
  /** Output tokens of successful requests per second. */
  readonly outputTokensPerSec: number;
  /** Response bytes per second, all responses. */
  readonly bytesPerSec: number;
  /** Successful requests that met every SLO, per second; undefined without SLOs. */
  readonly goodputPerSec: number | undefined;
}

export interface OutputTokenCount {
  readonly total: number;
  /** Successful requests whose count came from `usage`, and those counted as content deltas. */
  readonly fromUsage: number;
  readonly fromCountedDeltas: number;
}

export type EngineName = "stream-client" | "request-client" | "autocannon";

/** Everything measured in one trial at one load point. */
export interface TrialResult {
  readonly engine: EngineName;
  /** ISO time of the end of the warm-up, where measurement starts. */
  readonly startedAt: string;
  /** Seconds from the end of the warm-up to the end of the last measured request. */
  readonly durationSec: number;
  readonly counts: TrialCounts;
  readonly throughput: TrialThroughput;
  readonly outputTokens: OutputTokenCount;
  /** Good requests under the SLOs; undefined without SLOs. */
  readonly good: number | undefined;
  readonly metrics: Readonly<Partial<Record<MetricName, MetricHistogram>>>;
  readonly timeline: readonly TimelineBucket[];
  /** Up to five messages per failure class, redacted. */
  readonly failureSamples: Readonly<Partial<Record<FailureKind, readonly string[]>>>;
  /** Counters that only autocannon reports. */
  readonly autocannon?: AutocannonCounters;
}

export interface AutocannonCounters {
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  /** autocannon's request-sequence resets, not connection resets. */
  readonly resets: number;
  /**
   * Requests autocannon sent without recording a response or an error: in flight when the trial
   * ended, or lost on a connection the server closed, which autocannon reopens silently. Absent
   * in reports written before the count existed.
   */
  readonly unanswered?: number;
  /**
   * Unanswered requests beyond one per connection. One per connection can be in flight when the
   * trial ends, so only the rest count as failed: requests the target dropped.
   */
  readonly lost?: number;
}
