import { beforeAll, describe, expect, test } from "vitest";
import { computeCoverage, type CoverageReport } from "../../src/spec/coverage.ts";
import { formatCoverageTable } from "../../src/spec/coverage-format.ts";
import { loadSpec } from "../../src/spec/load-spec.ts";
import { fixtureSpec } from "./fixture-paths.ts";

let report: CoverageReport;

beforeAll(async () => {
  report = computeCoverage((await loadSpec(fixtureSpec("valid"))).document);
});

describe("computeCoverage", () => {
  test("describes one operation", () => {
    expect(report.operations.find((entry) => entry.operationId === "streamTicks")).toEqual({
      method: "POST",
      path: "/v1/stream",
      operationId: "streamTicks",
      tag: "Streams",
      overview: false,
      requestBody: true,
      requestSchema: true,
      successSchema: true,
      unauthorizedSchema: true,
      errorSchemas: true,
      errorStatuses: ["401"],
      stream: true,
      eventSchemas: true,
      inferredResponses: ["401"],
      inferredSchemas: [],
    });
  });

  test("marks operations of the overview list", () => {
    const overview = report.operations.filter((entry) => entry.overview).map((entry) => entry.operationId);
    expect(overview).toEqual(["getFileContent"]);
  });

  test("public operation has no 401", () => {
    const health = report.operations.find((entry) => entry.operationId === "getHealth");
    expect(health?.unauthorizedSchema).toBe(false);
    expect(health?.errorSchemas).toBe(false);
  });

  test("collects inferred schemas used by an operation", () => {
    const list = report.operations.find((entry) => entry.operationId === "listWidgets");
    expect(list?.inferredSchemas).toEqual(["Widget"]);
    expect(report.operations.find((entry) => entry.operationId === "getHealth")?.inferredSchemas).toEqual([
      "GuessedStatus",
    ]);
  });

  test("totals per tag", () => {
    expect(
      report.byTag.map((totals) => [totals.tag, totals.operations, totals.requestBodies, totals.streams]),
    ).toEqual([
      ["Widgets", 4, 1, 0],
      ["Streams", 4, 3, 1],
    ]);
  });

  test("total counts every operation", () => {
    expect(report.total).toMatchObject({
      operations: 8,
      overview: 1,
      extra: 7,
      requestSchemas: 4,
      successSchemas: 8,
      unauthorizedSchemas: 7,
      eventSchemas: 1,
      inferredSchemas: 2,
    });
  });

  test("counts inferred component schemas", () => {
    expect(report.schemas).toEqual({ total: 10, inferred: 1, partlyInferred: 1 });
  });

  test("reports missing overview operations", () => {
    expect(report.overview.listed).toBe(71);
    expect(report.overview.present).toBe(1);
    expect(report.overview.missing).toContain("GET /v1/models");
  });
});

describe("formatCoverageTable", () => {
  test("has a row per tag and a total", () => {
    const lines = formatCoverageTable(report).split("\n");
    expect(lines[0]).toMatch(/^area\s+ops\s+overview\s+extra\s+request/);
    expect(lines.some((line) => /^Widgets\s+4\s/.test(line))).toBe(true);
    expect(lines.some((line) => /^total\s+8\s+1\s+7\s+4\/4\s+8\/8\s+7\/8/.test(line))).toBe(true);
  });
});
