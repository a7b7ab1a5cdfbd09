import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { BenchReport, LoadPointResult } from "./bench-report.ts";
import { decodeHistogram, percentileCurve } from "./histogram.ts";
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
import { METRIC_NAMES, type MetricName } from "./trial-result.ts";

const require = createRequire(import.meta.url);

/** uPlot 1.6 (MIT), inlined so that the report draws its charts offline. */
function loadUplot(): { script: string; css: string } {
  return {
    script: readFileSync(require.resolve("uplot/dist/uPlot.iife.min.js"), "utf8"),
    css: readFileSync(require.resolve("uplot/dist/uPlot.min.css"), "utf8"),
  };
}

/** Chart data: aligned series as uPlot takes them, `null` where a series has no value. */
interface ChartSpec {
  readonly id: string;
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  /** "nines" draws x = -log10(1 - p/100) labelled as percentiles. */
  readonly xScale: "nines" | "linear";
  readonly seriesLabels: readonly string[];
  readonly data: readonly (readonly (number | null)[])[];
}

/**
 * Renders a self-contained HTML report: settings, tables and uPlot charts of the latency
 * distributions (E2E, TTFB, TTFT, ITL, TPOT), and throughput over time. Every script, style and
 * data point is inline, so the file opens offline and can be archived as a CI artifact.
 */
export function renderHtmlReport(report: BenchReport): string {
  const uplot = loadUplot();
  const charts = buildCharts(report.points);
  // "<" is escaped so that no string inside the data can close the script element.
  const chartJson = JSON.stringify(charts).replace(/</g, "\\u003c");
  const title = `Benchmark: ${report.scenario.name}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>${uplot.css}</style>
<style>${PAGE_CSS}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${report.partial ? `<p class="warning">Partial report: ${escapeHtml(report.stopReason ?? "not every trial ran")}.</p>` : ""}
${renderSettings(report)}
${report.points.map(renderPoint).join("\n")}
${charts.length > 0 ? "<h2>Charts</h2>" : ""}
<div id="charts"></div>
<p class="note">Latencies in milliseconds. Metric definitions: bench/METRICS.md in the harness repository.</p>
<script type="application/json" id="chart-data">${chartJson}</script>
<script>${uplot.script}</script>
<script>${CHART_SCRIPT}</script>
</body>
</html>
`;
}

function buildCharts(points: readonly LoadPointResult[]): ChartSpec[] {
  const charts: ChartSpec[] = [];
  const labels = points.map((point) => point.label);
  const distributionMetrics: MetricName[] = ["e2e", "ttfb", "ttft", "itl", "tpot"];
  for (const name of distributionMetrics) {
    const curves = points.map((point) => {
      const metric = point.combined.metrics[name];
      return metric === undefined || metric.summary.count === 0
        ? []
        : percentileCurve(decodeHistogram(metric.encoded));
    });
    const reference = curves.find((curve) => curve.length > 0);
    if (reference === undefined) continue;
    const xs = reference.map((point) => nines(point.percentile));
    const series = curves.map((curve) =>
      reference.map((_unused, i) => (curve[i] === undefined ? null : (curve[i]?.value ?? 0) / 1000)),
    );
    charts.push({
      id: `distribution-${name}`,
      title: `${METRIC_LABELS[name]} distribution`,
      xLabel: "percentile",
      yLabel: "ms",
      xScale: "nines",
      seriesLabels: labels,
      data: [xs, ...series],
    });
  }

  const length = Math.max(0, ...points.map((point) => point.combined.timeline.length));
  if (length > 0) {
    const seconds = Array.from({ length }, (_unused, second) => second);
    const perPoint = (pick: (bucket: LoadPointResult["combined"]["timeline"][number]) => number) =>
      points.map((point) =>
        seconds.map((second) => {
          const bucket = point.combined.timeline[second];
          return bucket === undefined ? null : pick(bucket);
        }),
      );
    charts.push({
      id: "throughput-requests",
      title: "Successful requests per second over time (trials one after another)",
      xLabel: "second",
      yLabel: "requests/s",
      xScale: "linear",
      seriesLabels: labels,
      data: [seconds, ...perPoint((bucket) => bucket.succeeded)],
    });
    if (points.some((point) => point.combined.outputTokens.total > 0)) {
      charts.push({
        id: "throughput-tokens",
        title: "Output tokens per second over time",
        xLabel: "second",
        yLabel: "tokens/s",
        xScale: "linear",
        seriesLabels: labels,
        data: [seconds, ...perPoint((bucket) => Math.round(bucket.outputTokens))],
      });
    }
  }
  return charts;
}

/** Maps a percentile to -log10(1 - p/100): 50 -> 0.3, 90 -> 1, 99 -> 2, 99.9 -> 3; 100 is capped at 5. */
function nines(percentile: number): number {
  return percentile >= 100 ? 5 : -Math.log10(1 - percentile / 100);
}

function renderSettings(report: BenchReport): string {
  const rows = settingsRows(report)
    .map(([name, value]) => `<tr><th>${escapeHtml(name)}</th><td>${escapeHtml(value)}</td></tr>`)
    .join("");
  return `<table class="settings">${rows}</table>`;
}

function renderPoint(point: LoadPointResult): string {
  const combined = point.combined;
  const { counts } = combined;
  const metricRows = METRIC_NAMES.map((name) => {
    const metric = combined.metrics[name];
    if (metric === undefined) return "";
    const cells = summaryCells(metric.summary, metric.unit)
      .map((cell) => `<td>${cell}</td>`)
      .join("");
    return `<tr><th>${escapeHtml(METRIC_LABELS[name])}</th>${cells}</tr>`;
  }).join("");
  const failureRows = FAILURE_KINDS.filter((kind) => counts.failures[kind] > 0)
    .map(
      (kind) =>
        `<tr><th>${kind}</th><td>${counts.failures[kind]}</td><td>${escapeHtml(combined.failureSamples[kind]?.[0] ?? "")}</td></tr>`,
    )
    .join("");
  const summary = throughputLines(combined)
    .map((line) => `<li>${escapeHtml(line)}</li>`)
    .join("");
  const trialRows = point.trials
    .map((trial, index) => `<tr>${tableCells(trialCells(trial, index))}</tr>`)
    .join("");
  return `<section>
<h2>${escapeHtml(point.label)}</h2>
<ul>${summary}</ul>
${metricRows === "" ? "" : `<table class="metrics"><tr><th>Metric</th>${SUMMARY_HEADERS.map((header) => `<th>${header}</th>`).join("")}</tr>${metricRows}</table>`}
${failureRows === "" ? "" : `<table class="failures"><tr><th>Failure class</th><th>Requests</th><th>Example</th></tr>${failureRows}</table>`}
<table class="trials"><tr>${TRIAL_HEADERS.map((header) => `<th>${header}</th>`).join("")}</tr>${trialRows}</table>
</section>`;
}

function tableCells(cells: readonly string[]): string {
  return cells.map((cell) => `<td>${escapeHtml(cell)}</td>`).join("");
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

const PAGE_CSS = `
body { font-family: system-ui, sans-serif; margin: 24px; color: #1b1b1b; max-width: 1100px; }
h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 28px; }
table { border-collapse: collapse; margin: 10px 0; font-size: 13px; }
th, td { border: 1px solid #d0d0d0; padding: 3px 8px; text-align: right; }
th:first-child, .settings td { text-align: left; }
.warning { background: #fff3cd; padding: 8px; border: 1px solid #e0c060; }
.note { color: #555; font-size: 12px; }
.chart { margin: 16px 0 28px; }
`;

// Draws one uPlot chart per spec and sets data-charts-ready on <body> when all are drawn.
const CHART_SCRIPT = `
(function () {
  var specs = JSON.parse(document.getElementById("chart-data").textContent);
  var colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"];
  var container = document.getElementById("charts");
  function ninesLabel(value) {
    var percentile = 100 * (1 - Math.pow(10, -value));
    return (Math.round(percentile * 1000) / 1000) + "%";
  }
  specs.forEach(function (spec) {
    var box = document.createElement("div");
    box.className = "chart";
    box.id = spec.id;
    container.appendChild(box);
    function formatX(u, v) {
      if (v == null) return "-";
      return spec.xScale === "nines" ? ninesLabel(v) : String(v);
    }
    var series = [{ label: spec.xLabel, value: formatX }];
    spec.seriesLabels.forEach(function (label, index) {
      series.push({ label: label, stroke: colors[index % colors.length], width: 2, points: { show: spec.xScale === "nines" } });
    });
    var xAxis = { label: spec.xLabel };
    if (spec.xScale === "nines") {
      xAxis.splits = function () { return [0, 1, 2, 3, 4, 5]; };
      xAxis.values = function (u, splits) { return splits.map(ninesLabel); };
    }
    new uPlot({
      title: spec.title,
      width: 1000,
      height: 320,
      scales: { x: { time: false } },
      series: series,
      axes: [xAxis, { label: spec.yLabel }],
    }, spec.data, box);
  });
  document.body.dataset.chartsReady = "true";
  document.body.dataset.chartCount = String(specs.length);
})();
`;
