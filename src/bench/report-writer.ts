import { accessSync, constants, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError } from "../config/config-error.ts";
import { redactText } from "../log/redact.ts";
import { REPORT_FORMAT, type BenchReport } from "./bench-report.ts";
import { renderHtmlReport } from "./html-report.ts";
import { renderMarkdownReport } from "./markdown-report.ts";
import { findReportDefect } from "./report-schema.ts";
import { isMergedReport } from "./shard-merge.ts";

/** Highest numbered suffix tried for a report name that an earlier report already uses. */
const MAX_NAME_SUFFIX = 1000;

export interface WrittenReport {
  readonly json: string;
  readonly markdown: string;
  readonly html: string;
}

/**
 * Returns the file name stem `bench-<scenario>-<UTC timestamp>`, with `-shard-<i>-of-<n>` appended
 * for the report of one shard and `-merged` for the output of `bench merge`. A merge of some
 * shards is named merged too, so that a glob such as `bench-*-shard-*.json` never picks it up.
 */
export function reportStem(report: BenchReport): string {
  const timestamp = report.startedAt.replace(/\.\d+Z$/, "Z").replace(/:/g, "-");
  const shard = report.shard;
  let suffix = "";
  if (isMergedReport(report) || (shard !== undefined && shard.indexes.length > 1)) suffix = "-merged";
  else if (shard !== undefined) suffix = `-shard-${shard.indexes[0]}-of-${shard.count}`;
  return `bench-${report.scenario.name}-${timestamp}${suffix}`;
}

/**
 * Creates `directory` if needed and checks that reports can be written there, so that a bad
 * `--out-dir` fails before a run instead of after it.
 * @throws ConfigError naming `--out-dir` when the folder cannot be created or written.
 */
export function prepareReportDirectory(directory: string): void {
  try {
    mkdirSync(directory, { recursive: true });
    accessSync(directory, constants.W_OK);
  } catch (error) {
    throw new ConfigError(
      `--out-dir: cannot write reports to ${directory}: ${(error as Error).message}. ` +
        "Pass a folder that exists or can be created, and that this user may write to.",
    );
  }
}

/**
 * Writes the JSON report, its Markdown summary and the HTML report into `directory`. Every text
 * passes through `redactText` on the way out, so a key that slipped into a message is removed.
 * An existing report is not overwritten: when another run already wrote the name (two runs
 * started in the same second, or two merges of one run), "-2", "-3" and so on is appended. The JSON file is created exclusively, so concurrent runs cannot claim one name.
 * @throws ConfigError naming `--out-dir` when a file cannot be written.
 */
export function writeReport(report: BenchReport, directory: string): WrittenReport {
  prepareReportDirectory(directory);
  const baseStem = reportStem(report);
  const json = `${JSON.stringify(report, null, 2)}\n`;
  for (let suffix = 1; suffix <= MAX_NAME_SUFFIX; suffix += 1) {
    const stem = suffix === 1 ? baseStem : `${baseStem}-${suffix}`;
    const paths = {
      json: join(directory, `${stem}.json`),
      markdown: join(directory, `${stem}.md`),
      html: join(directory, `${stem}.html`),
    };
    if (existsSync(paths.markdown) || existsSync(paths.html)) continue;
    try {
      writeFileSync(paths.json, redactText(json), { flag: "wx" });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST") continue;
      throw writeError(paths.json, error);
    }
    writeText(paths.markdown, renderMarkdownReport(report));
    writeText(paths.html, renderHtmlReport(report));
    return paths;
  }
  throw new ConfigError(
    `--out-dir: ${directory} already contains ${MAX_NAME_SUFFIX} reports named ${baseStem}*. ` +
      "Move the old reports away or pass another --out-dir.",
  );
}

function writeText(path: string, text: string): void {
  try {
    writeFileSync(path, redactText(text));
  } catch (error) {
    throw writeError(path, error);
  }
}

function writeError(path: string, error: unknown): ConfigError {
  return new ConfigError(
    `--out-dir: cannot write the report ${path}: ${(error as Error).message}. ` +
      "Check the free space and the permissions of the folder, or pass another --out-dir.",
  );
}

/** Reads a JSON report and checks its format tag and shape; `option` names the argument in errors. */
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
  const defect = findReportDefect(value);
  if (defect !== undefined) {
    throw new ConfigError(
      `${option}: ${path} is not a complete bench report: ${defect}. ` +
        "Pass the unedited bench-*.json report that msq-harness bench wrote.",
    );
  }
  return value as BenchReport;
}
