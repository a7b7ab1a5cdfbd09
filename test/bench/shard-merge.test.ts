import { describe, expect, test } from "vitest";
import type { BenchReport } from "../../src/bench/bench-report.ts";
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

function shardReport(index: number, count: number, outcomes: number): BenchReport {
  const recorder = new TrialRecorder("stream-client", 0, {});
  for (let i = index; i < outcomes; i += count) recorder.record(outcomeAt(i));
  const report = syntheticReport([recorder.finish(new Date(0).toISOString(), 1000)]);
  return { ...report, shard: { count, indexes: [index + 1] } };
}

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
    expect(report.stopReason).toBe("shards 2 of 3 are missing");
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
    expect(() => mergeShardReports([shardReport(0, 2, 20), changed])).toThrow(/different settings/);
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
