import { describe, expect, test } from "vitest";
import type { BenchReport } from "../../src/bench/bench-report.ts";
import type { LoadPoint } from "../../src/bench/load-point.ts";
import { reportStem } from "../../src/bench/report-writer.ts";
import { mergeShardReports } from "../../src/bench/shard-merge.ts";
import { TrialRecorder } from "../../src/bench/trial-recorder.ts";
import { ConfigError } from "../../src/config/config-error.ts";
import { streamOutcome, syntheticReport } from "../helpers/synthetic-report.ts";

/** Outcome i of a run: TTFT and ITL vary so that percentiles depend on every request. */
const outcomeAt = (i: number) =>
  streamOutcome({
    plannedAt: i * 10,
    ttftMs: 100 + ((i * 37) % 90),
    itlMs: 10 + (i % 7),
    deltas: 6,
    usageTokens: 6,
  });

function shardReport(
  index: number,
  count: number,
  outcomes: number,
  load: LoadPoint = { mode: "closed", concurrency: 4 },
): BenchReport {
  const recorder = new TrialRecorder("stream-client", 0, {});
  for (let i = index; i < outcomes; i += count) recorder.record(outcomeAt(i));
  const report = syntheticReport([recorder.finish(new Date(0).toISOString(), 1000)], "chat-stream", load);
  return { ...report, shard: { count, indexes: [index + 1] } };
}

/** Returns `report` with a second load level run after its first. */
function withSecondLevel(report: BenchReport, concurrency: number): BenchReport {
  const [point] = report.points;
  if (point === undefined) throw new Error("The report has no load level.");
  const load: LoadPoint = { mode: "closed", concurrency };
  return { ...report, points: [point, { ...point, load, label: `concurrency ${concurrency}` }] };
}

const interrupted = (report: BenchReport): BenchReport => ({
  ...report,
  partial: true,
  stopReason: "stopped by signal before every trial ended",
});

describe("mergeShardReports", () => {
  test("merges percentiles exactly", () => {
    const whole = new TrialRecorder("stream-client", 0, {});
    for (let i = 0; i < 300; i += 1) whole.record(outcomeAt(i));
    const expected = whole.finish(new Date(0).toISOString(), 1000);

    const { report, missingShards } = mergeShardReports([
      shardReport(0, 3, 300),
      shardReport(1, 3, 300),
      shardReport(2, 3, 300),
    ]);
    const merged = report.points[0]?.trials[0];
    expect(missingShards).toEqual([]);
    for (const name of ["ttft", "itl", "tpot", "e2e"] as const) {
      expect(merged?.metrics[name]?.summary).toEqual(expected.metrics[name]?.summary);
    }
    expect(merged?.counts.succeeded).toBe(300);
  });

  test("adds rates of concurrent shards", () => {
    const parts = [shardReport(0, 2, 200), shardReport(1, 2, 200)];
    const merged = mergeShardReports(parts).report.points[0]?.trials[0];
    const sum = parts.reduce((total, part) => total + (part.points[0]?.trials[0]?.counts.succeeded ?? 0), 0);
    const longest = Math.max(...parts.map((part) => part.points[0]?.trials[0]?.durationSec ?? 0));
    expect(merged?.throughput.requestsPerSec).toBeCloseTo(sum / longest, 9);
  });

  test("marks missing shards partial", () => {
    const { report, missingShards } = mergeShardReports([shardReport(0, 3, 30), shardReport(2, 3, 30)]);
    expect(missingShards).toEqual([2]);
    expect(report.partial).toBe(true);
    expect(report.stopReason).toBe("shard 2 is missing");
  });

  test("lists several missing shards", () => {
    const { report } = mergeShardReports([shardReport(1, 4, 40), shardReport(3, 4, 40)]);
    expect(report.stopReason).toBe("shards 1, 3 are missing");
  });

  test("completes a partial merge later", () => {
    const partial = mergeShardReports([shardReport(0, 2, 20)]).report;
    const { report, missingShards } = mergeShardReports([partial, shardReport(1, 2, 20)]);
    expect(missingShards).toEqual([]);
    expect(report.shard?.indexes).toEqual([1, 2]);
    expect(report.partial).toBe(false);
    expect(report.stopReason).toBeUndefined();
  });

  test("drops the older missing-shards wording", () => {
    const older = {
      ...mergeShardReports([shardReport(0, 2, 20)]).report,
      stopReason: "shards 2 of 2 are missing",
    };
    const { report } = mergeShardReports([older, shardReport(1, 2, 20)]);
    expect(report.partial).toBe(false);
    expect(report.stopReason).toBeUndefined();
  });

  test("keeps an interrupted shard partial", () => {
    const partial = mergeShardReports([interrupted(shardReport(0, 2, 20))]).report;
    expect(partial.stopReason).toBe("shard 2 is missing; stopped by signal before every trial ended");
    const { report } = mergeShardReports([partial, shardReport(1, 2, 20)]);
    expect(report.partial).toBe(true);
    expect(report.stopReason).toBe("stopped by signal before every trial ended");
  });

  test("names a partial merge as merged", () => {
    const shard = shardReport(0, 2, 20);
    expect(reportStem(shard)).toMatch(/-shard-1-of-2$/);
    const partial = mergeShardReports([shard]).report;
    expect(reportStem(partial)).toMatch(/-merged$/);
    expect(reportStem(partial)).not.toContain("-shard-");
  });

  test("rejects a duplicate shard", () => {
    expect(() => mergeShardReports([shardReport(0, 2, 20), shardReport(0, 2, 20)])).toThrow(
      /shard 1\/2 appears twice/,
    );
  });

  test("rejects a report without shards", () => {
    const plain = { ...shardReport(0, 1, 5), shard: undefined };
    expect(() => mergeShardReports([plain])).toThrow(ConfigError);
  });

  test("rejects different settings", () => {
    const other = shardReport(1, 2, 20);
    const changed = { ...other, settings: { ...other.settings, durationSeconds: 99 } };
    expect(() => mergeShardReports([shardReport(0, 2, 20), changed])).toThrow(ConfigError);
    expect(() => mergeShardReports([shardReport(0, 2, 20), changed])).toThrow(
      "different settings: durationSeconds is 1 in report 1 and 99 in report 2.",
    );
  });

  test("rejects different load levels", () => {
    const first = shardReport(0, 2, 20, { mode: "closed", concurrency: 4 });
    const second = shardReport(1, 2, 20, { mode: "closed", concurrency: 6 });
    expect(() => mergeShardReports([first, second])).toThrow(ConfigError);
    expect(() => mergeShardReports([first, second])).toThrow(
      'report 1 ran the load levels "concurrency 4" and report 2 ran "concurrency 6".',
    );
  });

  test("rejects a missing sweep level", () => {
    const swept = withSecondLevel(shardReport(0, 2, 20), 8);
    expect(() => mergeShardReports([swept, shardReport(1, 2, 20)])).toThrow(
      'report 1 ran the load levels "concurrency 4, concurrency 8" and report 2 ran "concurrency 4".',
    );
  });

  test("merges an interrupted shard's levels", () => {
    const whole = withSecondLevel(shardReport(0, 2, 20), 8);
    const stopped = interrupted(shardReport(1, 2, 20));
    const { report } = mergeShardReports([stopped, whole]);
    expect(report.points.map((point) => point.label)).toEqual(["concurrency 4"]);
    expect(report.points[0]?.trials[0]?.counts.succeeded).toBe(20);
    expect(report.partial).toBe(true);
  });

  test("rejects shards of different targets", () => {
    const atTarget = (report: BenchReport, baseUrl: string): BenchReport => ({
      ...report,
      target: { ...report.target, baseUrl, embeddedMock: false },
    });
    const first = atTarget(shardReport(0, 2, 20), "http://127.0.0.1:4010/v1");
    const second = atTarget(shardReport(1, 2, 20), "http://127.0.0.1:4011/v1");
    expect(() => mergeShardReports([first, second])).toThrow(/loaded different targets/);
  });
});
