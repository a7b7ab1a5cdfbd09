import type { ComparisonResult, MetricComparison } from "./compare.ts";

function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function formatChange(value: number, unit: MetricComparison["changeUnit"]): string {
  if (!Number.isFinite(value)) return value > 0 ? "+inf" : "-inf";
  const sign = value > 0 ? "+" : "";
  return unit === "%" ? `${sign}${value.toFixed(1)}%` : `${sign}${value.toFixed(2)} pt`;
}

/** Renders the comparison as a plain-text table, one row per metric and load level. */
export function formatComparison(result: ComparisonResult): string {
  const header = [
    "metric",
    "load",
    "baseline",
    "current",
    "change",
    "95% CI",
    "p(worse)",
    "threshold",
    "verdict",
  ];
  const rows = result.comparisons.map((item) => [
    item.label,
    item.load,
    `${formatValue(item.baselineMedian)} ${item.unit}`,
    `${formatValue(item.currentMedian)} ${item.unit}`,
    formatChange(item.changePercent, item.changeUnit),
    `[${formatChange(item.interval.low, item.changeUnit)}, ${formatChange(item.interval.high, item.changeUnit)}]`,
    item.pWorse < 0.0001 ? "<0.0001" : item.pWorse.toFixed(4),
    item.changeUnit === "%" ? `${item.thresholdPercent}%` : `${item.thresholdPercent} pt`,
    item.verdict.toUpperCase(),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join("  ")
      .trimEnd();

  const lines = [line(header), ...rows.map(line)];
  for (const item of result.comparisons) {
    if (item.note !== undefined) lines.push(`note: ${item.label} at ${item.load}: ${item.note}.`);
  }
  for (const warning of result.warnings) lines.push(`warning: ${warning}`);
  const count = result.regressions.length;
  lines.push(
    count === 0
      ? "No metric regressed beyond its threshold with statistical confidence."
      : `${count} metric(s) regressed: ${result.regressions.map((item) => `${item.label} at ${item.load}`).join(", ")}.`,
  );
  return `${lines.join("\n")}\n`;
}
