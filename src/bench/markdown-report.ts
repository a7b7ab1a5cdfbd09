import type { BenchReport, LoadPointResult } from "./bench-report.ts";
import { describeLoadPoint } from "./load-point.ts";
import {
  METRIC_LABELS,
  SUMMARY_HEADERS,
  TRIAL_HEADERS,
  settingsRows,
  summaryCells,
  throughputLines,
  trialCells,
} from "./report-format.ts";
import { FAILURE_KINDS } from "./request-outcome.ts";
import { METRIC_NAMES } from "./trial-result.ts";

/** Renders the Markdown summary of a report: settings, environment and one section per load level. */
export function renderMarkdownReport(report: BenchReport): string {
  const lines: string[] = [];
  lines.push(`# Benchmark: ${report.scenario.name}`, "");
  if (report.scenario.description !== "") lines.push(report.scenario.description, "");
  if (report.partial) lines.push(`**Partial report:** ${report.stopReason ?? "not every trial ran"}.`, "");

  lines.push("| Setting | Value |", "| --- | --- |");
  for (const [name, value] of settingsRows(report)) lines.push(`| ${name} | ${escapeCell(value)} |`);
  lines.push("");

  for (const point of report.points) lines.push(...renderPoint(point));
  lines.push("Latencies in milliseconds. Definitions: bench/METRICS.md.", "");
  return lines.join("\n");
}

function renderPoint(point: LoadPointResult): string[] {
  const lines: string[] = [`## ${describeLoadPoint(point.load)}`, ""];
  const combined = point.combined;
  lines.push(...throughputLines(combined).map((line) => `- ${line}`), "");

  const metricRows: string[] = [];
  for (const name of METRIC_NAMES) {
    const metric = combined.metrics[name];
    if (metric === undefined) continue;
    metricRows.push(`| ${METRIC_LABELS[name]} | ${summaryCells(metric.summary, metric.unit).join(" | ")} |`);
  }
  // A level without a successful request has no distribution, so it gets no empty table.
  if (metricRows.length > 0) {
    lines.push(
      `| Metric | ${SUMMARY_HEADERS.join(" | ")} |`,
      `| --- |${" ---: |".repeat(SUMMARY_HEADERS.length)}`,
      ...metricRows,
      "",
    );
  }

  if (combined.counts.failed > 0) {
    lines.push("| Failure class | Requests | Example |", "| --- | ---: | --- |");
    for (const kind of FAILURE_KINDS) {
      const count = combined.counts.failures[kind];
      if (count === 0) continue;
      lines.push(`| ${kind} | ${count} | ${escapeCell(combined.failureSamples[kind]?.[0] ?? "")} |`);
    }
    lines.push("");
  }

  lines.push(`| ${TRIAL_HEADERS.join(" | ")} |`, `|${" ---: |".repeat(TRIAL_HEADERS.length)}`);
  point.trials.forEach((trial, index) => lines.push(`| ${trialCells(trial, index).join(" | ")} |`));
  lines.push("");
  return lines;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}
