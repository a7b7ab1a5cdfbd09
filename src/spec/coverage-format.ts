import type { CoverageReport, CoverageTotals } from "./coverage.ts";

const COLUMNS: { header: string; value: (totals: CoverageTotals) => string }[] = [
  { header: "area", value: (totals) => totals.tag },
  { header: "ops", value: (totals) => String(totals.operations) },
  { header: "overview", value: (totals) => String(totals.overview) },
  { header: "extra", value: (totals) => String(totals.extra) },
  { header: "request", value: (totals) => `${totals.requestSchemas}/${totals.requestBodies}` },
  { header: "success", value: (totals) => `${totals.successSchemas}/${totals.operations}` },
  { header: "401", value: (totals) => `${totals.unauthorizedSchemas}/${totals.operations}` },
  { header: "errors", value: (totals) => `${totals.errorSchemas}/${totals.operations}` },
  { header: "sse events", value: (totals) => `${totals.eventSchemas}/${totals.streams}` },
  { header: "inferred ops", value: (totals) => String(totals.inferredOperations) },
  { header: "inferred schemas", value: (totals) => String(totals.inferredSchemas) },
];

/**
 * Renders the coverage report as a plain-text table, one row per area and a total row, followed
 * by the overview and schema counts. `a/b` cells read "a of the b operations that need it".
 */
export function formatCoverageTable(report: CoverageReport): string {
  const rows = [...report.byTag, report.total].map((totals) => COLUMNS.map((column) => column.value(totals)));
  const headers = COLUMNS.map((column) => column.header);
  const widths = headers.map((header, index) =>
    Math.max(header.length, ...rows.map((row) => row[index]?.length ?? 0)),
  );
  const render = (cells: readonly string[]): string =>
    cells
      .map((cell, index) =>
        index === 0 ? cell.padEnd(widths[index] ?? 0) : cell.padStart(widths[index] ?? 0),
      )
      .join("  ");
  const separator = widths.map((width) => "-".repeat(width)).join("  ");
  const lines = [
    render(headers),
    separator,
    ...rows.slice(0, -1).map(render),
    separator,
    render(rows.at(-1) ?? []),
  ];
  const { overview, schemas } = report;
  lines.push(
    "",
    `Overview operations: ${overview.present} of ${overview.listed} in the spec; ` +
      `${report.total.extra} further documented operations.`,
    `Component schemas: ${schemas.total}, of which ${schemas.inferred} inferred and ${schemas.partlyInferred} ` +
      `partly inferred; ${report.inferredResponses} inferred responses.`,
  );
  if (overview.missing.length > 0) lines.push(`Missing overview operations: ${overview.missing.join(", ")}`);
  return `${lines.join("\n")}\n`;
}
