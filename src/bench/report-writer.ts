import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError } from "../config/config-error.ts";
import { redactText } from "../log/redact.ts";
import { REPORT_FORMAT, type BenchReport } from "./bench-report.ts";
import { renderHtmlReport } from "./html-report.ts";
import { renderMarkdownReport } from "./markdown-report.ts";

export interface WrittenReport {
  readonly json: string;
  readonly markdown: string;
  readonly html: string;
}

/** File name stem `bench-<scenario>-<UTC timestamp>`, with the shard appended for shard reports. */
export function reportStem(report: BenchReport): string {
  const timestamp = report.startedAt.replace(/\.\d+Z$/, "Z").replace(/:/g, "-");
  const shard = report.shard;
  const shardPart =
    shard !== undefined && shard.indexes.length === 1 ? `-shard-${shard.indexes[0]}-of-${shard.count}` : "";
  const mergedPart = shard !== undefined && shard.indexes.length > 1 ? "-merged" : "";
  return `bench-${report.scenario.name}-${timestamp}${shardPart}${mergedPart}`;
}

/**
 * Writes the JSON report, its Markdown summary and the HTML report into `directory`. Every text
 * passes through `redactText` on the way out, so a key that slipped into a message is removed.
 */
export function writeReport(report: BenchReport, directory: string): WrittenReport {
  mkdirSync(directory, { recursive: true });
  const stem = reportStem(report);
  const paths = {
    json: join(directory, `${stem}.json`),
    markdown: join(directory, `${stem}.md`),
    html: join(directory, `${stem}.html`),
  };
  writeFileSync(paths.json, redactText(`${JSON.stringify(report, null, 2)}\n`));
  writeFileSync(paths.markdown, redactText(renderMarkdownReport(report)));
  writeFileSync(paths.html, redactText(renderHtmlReport(report)));
  return paths;
}

/** Reads a JSON report and checks its format tag; `option` names the argument in errors. */
export function readReport(path: string, option: string): BenchReport {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(`${option}: cannot read ${path}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ConfigError(
      `${option}: ${path} is not JSON. Pass a bench-*.json report written by msq-harness bench.`,
    );
  }
  const format = (value as { format?: unknown } | null)?.format;
  if (format !== REPORT_FORMAT) {
    throw new ConfigError(
      `${option}: ${path} has format ${JSON.stringify(format) ?? "nothing"}, expected "${REPORT_FORMAT}". ` +
        "Pass a bench-*.json report written by this version of msq-harness bench.",
    );
  }
  return value as BenchReport;
}
