import type { HistogramSummary } from "./histogram.ts";
import type { MetricName, TrialResult } from "./trial-result.ts";

/** Display labels of the metrics, shared by the Markdown and HTML reports. */
export const METRIC_LABELS: Readonly<Record<MetricName, string>> = {
  e2e: "End-to-end latency (E2E)",
  ttfb: "Time to first byte (TTFB)",
  ttft: "Time to first token (TTFT)",
  itl: "Inter-token latency (ITL)",
  tpot: "Time per output token (TPOT)",
  queueDelay: "Client queueing delay",
  outputTokens: "Output tokens per request",
};

/** Formats microseconds as milliseconds with three significant digits at most two decimals. */
export function formatMs(microseconds: number): string {
  const ms = microseconds / 1000;
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 10) return ms.toFixed(1);
  return ms.toFixed(2);
}

export function formatRate(perSecond: number): string {
  if (perSecond >= 100) return perSecond.toFixed(0);
  if (perSecond >= 10) return perSecond.toFixed(1);
  return perSecond.toFixed(2);
}

/**
 * Returns true when some response of the trial stated its output tokens. autocannon does not read
 * response bodies and embeddings have no output tokens, so their rate of 0 means "not counted".
 */
export function countsOutputTokens(trial: TrialResult): boolean {
  return trial.outputTokens.fromUsage + trial.outputTokens.fromCountedDeltas > 0;
}

export function formatBytes(bytesPerSec: number): string {
  const units = ["B/s", "KiB/s", "MiB/s", "GiB/s"];
  let value = bytesPerSec;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value >= 100 ? 0 : 1)} ${units[unit]}`;
}

/** Cells of one summary row: p50, p90, p95, p99, p99.9, mean, max, stddev, count. */
export function summaryCells(summary: HistogramSummary, unit: "us" | "tokens"): string[] {
  const format = unit === "us" ? formatMs : (value: number) => value.toFixed(value % 1 === 0 ? 0 : 1);
  return [
    format(summary.p50),
    format(summary.p90),
    format(summary.p95),
    format(summary.p99),
    format(summary.p999),
    format(summary.mean),
    format(summary.max),
    format(summary.stddev),
    String(summary.count),
  ];
}

export const SUMMARY_HEADERS = [
  "p50",
  "p90",
  "p95",
  "p99",
  "p99.9",
  "mean",
  "max",
  "stddev",
  "count",
] as const;
