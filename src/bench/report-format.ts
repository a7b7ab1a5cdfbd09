import type { BenchReport } from "./bench-report.ts";
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

/** Returns the setting rows (name, value) that both reports show above the load levels. */
export function settingsRows(report: BenchReport): [string, string][] {
  const { settings, environment, target } = report;
  const rows: [string, string][] = [
    ["Target", `${target.baseUrl}${target.embeddedMock ? " (embedded mock)" : ""}`],
    ["Engine", settings.engine],
    ["Request", `POST ${settings.path}`],
    ["Trials per load level", String(settings.trials)],
    ["Warm-up / duration", `${settings.warmupSeconds} s / ${settings.durationSeconds} s`],
    ["Max requests / timeout", `${settings.maxRequests} / ${settings.timeoutSeconds} s`],
    ["Seed", String(settings.seed)],
    ["SLOs (goodput)", formatSlo(settings.slo)],
    [
      "Shards",
      report.shard === undefined ? "none" : `${report.shard.indexes.join(", ")} of ${report.shard.count}`,
    ],
    ["Started / finished", `${report.startedAt} / ${report.finishedAt}`],
    ["Git SHA", `${environment.gitSha}${environment.gitDirty ? " (uncommitted changes)" : ""}`],
    ["Node / platform", `${environment.nodeVersion} / ${environment.platform}-${environment.arch}`],
    ["CPU", `${environment.cpuModel}, ${environment.cores} cores`],
  ];
  if (target.mockTiming !== undefined) rows.push(["Mock timing", describeTiming(target.mockTiming)]);
  if (target.mockTimingDrift !== undefined) {
    const drift = target.mockTimingDrift;
    rows.push([
      "Mock send lateness",
      `p50 ${drift.p50.toFixed(2)} ms, p99 ${drift.p99.toFixed(2)} ms, max ${drift.max.toFixed(2)} ms`,
    ]);
  }
  return rows;
}

/**
 * Returns the count and throughput lines of a trial or a load level: requests, throughput,
 * goodput, counted tokens, status codes and autocannon's own counters.
 */
export function throughputLines(trial: TrialResult): string[] {
  const { counts, throughput, outputTokens } = trial;
  const lines = [
    `Requests: ${counts.sent} sent, ${counts.succeeded} succeeded, ${counts.failed} failed ` +
      `(${counts.warmup} warm-up and ${counts.aborted} aborted requests excluded) in ${trial.durationSec.toFixed(2)} s`,
    `Throughput: ${formatRate(throughput.requestsPerSec)} requests/s, ` +
      (countsOutputTokens(trial) ? `${formatRate(throughput.outputTokensPerSec)} output tokens/s, ` : "") +
      formatBytes(throughput.bytesPerSec),
  ];
  if (throughput.goodputPerSec !== undefined) {
    lines.push(
      `Goodput: ${formatRate(throughput.goodputPerSec)} requests/s (${trial.good ?? 0} requests met every SLO)`,
    );
  }
  if (outputTokens.fromCountedDeltas > 0) {
    lines.push(
      `Output tokens of ${outputTokens.fromCountedDeltas} requests are counted content deltas, because ` +
        "the stream carried no usage, and a delta may contain more than one token.",
    );
  }
  const statuses = Object.entries(counts.statusCodes).map(([code, count]) => `${code}: ${count}`);
  if (statuses.length > 0) lines.push(`Status codes: ${statuses.join(", ")}`);
  if (trial.autocannon !== undefined) {
    const { non2xx, errors, timeouts, resets, unanswered, lost } = trial.autocannon;
    const lostPart = lost === undefined ? "" : ` (${lost} beyond one per connection, counted as failed)`;
    const unansweredPart =
      unanswered === undefined ? "" : `, ${unanswered} sent without a response${lostPart}`;
    lines.push(
      `autocannon: ${non2xx} non-2xx, ${errors} errors, ${timeouts} timeouts, ${resets} resets${unansweredPart}`,
    );
  }
  return lines;
}

/** Column headers of the per-trial table: rates, E2E and TTFT percentiles, failures. */
export const TRIAL_HEADERS = [
  "Trial",
  "Requests/s",
  "Output tokens/s",
  "E2E p50",
  "E2E p99",
  "TTFT p50",
  "Failed",
] as const;

/** Returns the cells of the per-trial table's row for the trial at the 0-based index. */
export function trialCells(trial: TrialResult, index: number): string[] {
  const e2e = trial.metrics.e2e?.summary;
  const ttft = trial.metrics.ttft?.summary;
  return [
    String(index + 1),
    formatRate(trial.throughput.requestsPerSec),
    countsOutputTokens(trial) ? formatRate(trial.throughput.outputTokensPerSec) : "-",
    e2e === undefined ? "-" : formatMs(e2e.p50),
    e2e === undefined ? "-" : formatMs(e2e.p99),
    ttft === undefined ? "-" : formatMs(ttft.p50),
    String(trial.counts.failed),
  ];
}

function describeTiming(timing: NonNullable<BenchReport["target"]["mockTiming"]>): string {
  const latencies = Object.entries(timing.latencyMs).map(([operation, ms]) => `${operation} ${ms} ms`);
  const chat = timing.chat;
  return (
    `response start: ${latencies.join(", ")}; chat: TTFT ${chat.ttftMs} ms, ITL ${chat.interTokenMs} ms, ` +
    `${chat.tokensPerChunk} token(s) per chunk`
  );
}

function formatSlo(slo: BenchReport["settings"]["slo"]): string {
  const parts = Object.entries(slo).map(([name, value]) => `${name} <= ${value} ms`);
  return parts.length === 0 ? "none" : parts.join(", ");
}
