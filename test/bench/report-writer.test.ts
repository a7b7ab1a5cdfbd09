import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { BenchReport } from "../../src/bench/bench-report.ts";
import { prepareReportDirectory, readReport, writeReport } from "../../src/bench/report-writer.ts";
import { ConfigError } from "../../src/config/config-error.ts";
import { syntheticReport, syntheticTrial } from "../helpers/synthetic-report.ts";

function sampleReport(): BenchReport {
  return syntheticReport([syntheticTrial({ ttftMs: 150, itlMs: 20, count: 10 })]);
}

/** Returns a copy of `report` with `edit` applied to its parsed JSON. */
function edited(
  report: BenchReport,
  edit: (value: Record<string, unknown>) => void,
): Record<string, unknown> {
  const value = JSON.parse(JSON.stringify(report)) as Record<string, unknown>;
  edit(value);
  return value;
}

describe("writeReport", () => {
  let directory: string;

  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), "msq-report-writer-"));
  });

  afterAll(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  test("keeps an earlier report of the same name", () => {
    const out = join(directory, "same-name");
    const report = sampleReport();
    const first = writeReport(report, out);
    const firstText = readFileSync(first.json, "utf8");
    const second = writeReport({ ...report, partial: true }, out);

    expect(second.json).not.toBe(first.json);
    expect(second.json).toMatch(/-2\.json$/);
    expect(second.markdown).toMatch(/-2\.md$/);
    expect(second.html).toMatch(/-2\.html$/);
    expect(readFileSync(first.json, "utf8")).toBe(firstText);
    expect(readReport(second.json, "report").partial).toBe(true);
  });

  test("rejects an out-dir below a file", () => {
    const file = join(directory, "a-file");
    writeFileSync(file, "");
    const out = join(file, "reports");
    expect(() => prepareReportDirectory(out)).toThrow(ConfigError);
    expect(() => writeReport(sampleReport(), out)).toThrow(`--out-dir: cannot write reports to ${out}`);
  });
});

describe("readReport", () => {
  let directory: string;

  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), "msq-report-reader-"));
  });

  afterAll(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  test("reads a written report back", () => {
    const report = sampleReport();
    const written = writeReport(report, directory);
    expect(readReport(written.json, "report").points[0]?.label).toBe(report.points[0]?.label);
  });

  test.each([
    ["no environment", (value: Record<string, unknown>) => delete value["environment"], "the top level"],
    ["no scenario", (value: Record<string, unknown>) => delete value["scenario"], "the top level"],
    [
      "a point without trials",
      (value: Record<string, unknown>) => ((value["points"] as Record<string, unknown>[])[0]!["trials"] = []),
      "/points/0/trials",
    ],
    [
      "a load level of unknown mode",
      (value: Record<string, unknown>) =>
        ((value["points"] as Record<string, unknown>[])[0]!["load"] = { mode: "burst" }),
      "/points/0/load",
    ],
    ["points that are not a list", (value: Record<string, unknown>) => (value["points"] = {}), "/points"],
    [
      "a damaged histogram",
      (value: Record<string, unknown>) => {
        const point = (value["points"] as { trials: { metrics: { ttft: { encoded: string } } }[] }[])[0]!;
        point.trials[0]!.metrics.ttft.encoded = "HISTFAAAbroken";
      },
      "/points/0/trials/0/metrics/ttft/encoded is not an HDR histogram",
    ],
  ])("rejects a report with %s", (name, edit, location) => {
    const path = join(directory, `${name.replace(/\W+/g, "-")}.json`);
    writeFileSync(path, JSON.stringify(edited(sampleReport(), edit)));
    expect(() => readReport(path, "CURRENT")).toThrow(ConfigError);
    expect(() => readReport(path, "CURRENT")).toThrow(
      `CURRENT: ${path} is not a complete bench report: ${location}`,
    );
  });
});
