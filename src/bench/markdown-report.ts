import type { BenchReport, LoadPointResult } from "./bench-report.ts";
import { describeLoadPoint } from "./load-point.ts";
import {
  METRIC_LABELS,
  SUMMARY_HEADERS,
  countsOutputTokens,
  formatBytes,
  formatMs,
  formatRate,
  summaryCells,
} from "./report-format.ts";
import { FAILURE_KINDS } from "./request-outcome.ts";
import { METRIC_NAMES, type TrialResult } from "./trial-result.ts";

/** Renders the Markdown summary of a report: settings, environment and one section per load level. */
export function renderMarkdownReport(report: BenchReport): string {
  const lines: string[] = [];
  const { settings, environment, target } = report;
  lines.push(`# Benchmark: ${report.scenario.name}`, "");
  if (report.scenario.description !== "") lines.push(report.scenario.description, "");
  if (report.partial) lines.push(`**Partial report:** ${report.stopReason ?? "not every trial ran"}.`, "");

  lines.push("| Setting | Value |", "| --- | --- |");
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
  for (const [name, value] of rows) lines.push(`| ${name} | ${escapeCell(value)} |`);
  lines.push("");

  for (const point of report.points) lines.push(...renderPoint(point));
  lines.push("Latencies in milliseconds. Definitions: bench/METRICS.md.", "");
  return lines.join("\n");
}

function renderPoint(point: LoadPointResult): string[] {
  const lines: string[] = [`## ${describeLoadPoint(point.load)}`, ""];
  const combined = point.combined;
  lines.push(...renderThroughput(combined), "");

  lines.push(
    `| Metric | ${SUMMARY_HEADERS.join(" | ")} |`,
    `| --- |${" ---: |".repeat(SUMMARY_HEADERS.length)}`,
  );
  for (const name of METRIC_NAMES) {
    const metric = combined.metrics[name];
    if (metric === undefined) continue;
    lines.push(`| ${METRIC_LABELS[name]} | ${summaryCells(metric.summary, metric.unit).join(" | ")} |`);
  }
  lines.push("");

  if (combined.counts.failed > 0) {
    lines.push("| Failure class | Requests | Example |", "| --- | ---: | --- |");
    for (const kind of FAILURE_KINDS) {
      const count = combined.counts.failures[kind];
      if (count === 0) continue;
      lines.push(`| ${kind} | ${count} | ${escapeCell(combined.failureSamples[kind]?.[0] ?? "")} |`);
    }
    lines.push("");
  }

  lines.push(
    "| Trial | Requests/s | Output tokens/s | E2E p50 | E2E p99 | TTFT p50 | Failed |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  );
  point.trials.forEach((trial, index) => {
    const e2e = trial.metrics.e2e?.summary;
    const ttft = trial.metrics.ttft?.summary;
    const tokensPerSec = countsOutputTokens(trial) ? formatRate(trial.throughput.outputTokensPerSec) : "-";
    lines.push(
      `| ${index + 1} | ${formatRate(trial.throughput.requestsPerSec)} | ${tokensPerSec} | ` +
        `${e2e === undefined ? "-" : formatMs(e2e.p50)} | ${e2e === undefined ? "-" : formatMs(e2e.p99)} | ` +
        `${ttft === undefined ? "-" : formatMs(ttft.p50)} | ${trial.counts.failed} |`,
    );
  });
  lines.push("");
  return lines;
}

function renderThroughput(trial: TrialResult): string[] {
  const { counts, throughput, outputTokens } = trial;
  const lines = [
    `- Requests: ${counts.sent} sent, ${counts.succeeded} succeeded, ${counts.failed} failed ` +
      `(${counts.warmup} warm-up and ${counts.aborted} aborted requests excluded) in ${trial.durationSec.toFixed(2)} s`,
    `- Throughput: ${formatRate(throughput.requestsPerSec)} requests/s, ` +
      (countsOutputTokens(trial) ? `${formatRate(throughput.outputTokensPerSec)} output tokens/s, ` : "") +
      formatBytes(throughput.bytesPerSec),
  ];
  if (throughput.goodputPerSec !== undefined) {
    lines.push(
      `- Goodput: ${formatRate(throughput.goodputPerSec)} requests/s (${trial.good ?? 0} requests met every SLO)`,
    );
  }
  if (outputTokens.fromCountedDeltas > 0) {
    lines.push(
      `- Output tokens of ${outputTokens.fromCountedDeltas} requests are counted content deltas, because ` +
        "the stream carried no usage; a delta may hold more than one token.",
    );
  }
  const statuses = Object.entries(counts.statusCodes).map(([code, count]) => `${code}: ${count}`);
  if (statuses.length > 0) lines.push(`- Status codes: ${statuses.join(", ")}`);
  if (trial.autocannon !== undefined) {
    const { non2xx, errors, timeouts, resets, unanswered } = trial.autocannon;
    const unansweredPart = unanswered === undefined ? "" : `, ${unanswered} sent without a response`;
    lines.push(
      `- autocannon: ${non2xx} non-2xx, ${errors} errors, ${timeouts} timeouts, ${resets} resets${unansweredPart}`,
    );
  }
  return lines;
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

function escapeCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}
