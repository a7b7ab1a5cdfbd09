import { describe, expect, test } from "vitest";
import { compareReports, DEFAULT_ALPHA, type CompareOptions } from "../../src/bench/compare.ts";
import { formatComparison } from "../../src/bench/compare-format.ts";
import { ConfigError } from "../../src/config/config-error.ts";
import { syntheticReport, syntheticTrial } from "../helpers/synthetic-report.ts";

const options: CompareOptions = { alpha: DEFAULT_ALPHA, thresholds: {}, seed: 1 };

/** Five trials whose TTFT wobbles by up to ±2% around `ttftMs`, differently per trial. */
function trials(ttftMs: number, itlMs: number, count = 5, phase = 0) {
  return Array.from({ length: count }, (_unused, trial) =>
    syntheticTrial({ ttftMs: ttftMs * (1 + 0.02 * Math.sin(trial * 2.1 + phase)), itlMs }),
  );
}

const verdictOf = (result: ReturnType<typeof compareReports>, metric: string) =>
  result.comparisons.find((item) => item.metric === metric)?.verdict;

describe("compareReports", () => {
  test("passes a report against itself", () => {
    const report = syntheticReport(trials(150, 20));
    const result = compareReports(report, report, options);
    expect(result.regressions).toEqual([]);
    expect(verdictOf(result, "ttft.p50")).toBe("no-change");
  });

  test("passes two noisy runs of one build", () => {
    const result = compareReports(
      syntheticReport(trials(150, 20)),
      syntheticReport(trials(150, 20, 5, 1.3)),
      options,
    );
    expect(result.regressions).toEqual([]);
  });

  test("fails a 20% slower TTFT", () => {
    const result = compareReports(
      syntheticReport(trials(150, 20)),
      syntheticReport(trials(180, 20)),
      options,
    );
    expect(verdictOf(result, "ttft.p50")).toBe("regression");
    expect(verdictOf(result, "itl.p50")).toBe("no-change");
  });

  test("fails a 10% slower TTFT", () => {
    const result = compareReports(
      syntheticReport(trials(150, 20)),
      syntheticReport(trials(165, 20)),
      options,
    );
    expect(verdictOf(result, "ttft.p50")).toBe("regression");
  });

  test("reports a faster TTFT as improvement", () => {
    const result = compareReports(
      syntheticReport(trials(180, 20)),
      syntheticReport(trials(150, 20)),
      options,
    );
    expect(verdictOf(result, "ttft.p50")).toBe("improvement");
    expect(result.regressions).toEqual([]);
  });

  test("passes a shift below the threshold", () => {
    const result = compareReports(syntheticReport(trials(150, 20)), syntheticReport(trials(150, 20)), {
      ...options,
      thresholds: { "ttft.p50": 50 },
    });
    expect(verdictOf(result, "ttft.p50")).toBe("no-change");
  });

  test("honors a raised threshold", () => {
    const result = compareReports(syntheticReport(trials(150, 20)), syntheticReport(trials(180, 20)), {
      ...options,
      thresholds: { "ttft.p50": 25 },
    });
    expect(verdictOf(result, "ttft.p50")).toBe("no-change");
  });

  test("calls three trials inconclusive", () => {
    const result = compareReports(
      syntheticReport(trials(150, 20, 3)),
      syntheticReport(trials(180, 20, 3)),
      options,
    );
    const ttft = result.comparisons.find((item) => item.metric === "ttft.p50");
    expect(ttft?.verdict).toBe("inconclusive");
    expect(ttft?.note).toMatch(/at least 4 trials/);
  });

  test("warns when one trial cannot fail", () => {
    const result = compareReports(
      syntheticReport(trials(150, 20, 1)),
      syntheticReport(trials(300, 20, 1)),
      options,
    );
    expect(result.regressions).toEqual([]);
    expect(result.warnings).toContainEqual(
      expect.stringMatching(/"concurrency 4" has 1 BASELINE and 1 CURRENT trials, too few/),
    );
  });

  test("does not warn with five trials", () => {
    const result = compareReports(
      syntheticReport(trials(150, 20)),
      syntheticReport(trials(150, 20, 5, 1.3)),
      options,
    );
    expect(result.warnings.filter((warning) => warning.includes("too few"))).toEqual([]);
  });

  test("fails lower throughput", () => {
    const slow = Array.from({ length: 5 }, (_unused, trial) =>
      syntheticTrial({ ttftMs: 150, itlMs: 20, gapMs: 30 + trial * 0.1 }),
    );
    const fast = Array.from({ length: 5 }, (_unused, trial) =>
      syntheticTrial({ ttftMs: 150, itlMs: 20, gapMs: 20 + trial * 0.1 }),
    );
    const result = compareReports(syntheticReport(fast), syntheticReport(slow), options);
    expect(verdictOf(result, "requestsPerSec")).toBe("regression");
  });

  test("rejects different scenarios", () => {
    expect(() =>
      compareReports(syntheticReport(trials(150, 20)), syntheticReport(trials(150, 20), "chat"), options),
    ).toThrow(ConfigError);
  });

  test("rejects an unknown threshold metric", () => {
    const report = syntheticReport(trials(150, 20));
    expect(() => compareReports(report, report, { ...options, thresholds: { "ttft.p42": 5 } })).toThrow(
      /unknown metric "ttft.p42"/,
    );
  });

  test("warns about unmatched load levels", () => {
    const baseline = syntheticReport(trials(150, 20));
    const wider = syntheticReport(trials(150, 20), "chat-stream", { mode: "closed", concurrency: 8 });
    const current = { ...baseline, points: [...baseline.points, ...wider.points] };
    const result = compareReports(baseline, current, options);
    expect(result.comparisons.every((item) => item.load === "concurrency 4")).toBe(true);
    expect(result.warnings).toContain('load level "concurrency 8" is only in CURRENT and was not compared.');
  });

  test("rejects reports without a common load level", () => {
    const compare = () =>
      compareReports(
        syntheticReport(trials(150, 20)),
        syntheticReport(trials(150, 20), "chat-stream", { mode: "closed", concurrency: 8 }),
        options,
      );
    expect(compare).toThrow(ConfigError);
    expect(compare).toThrow(
      "no load level in common (BASELINE: concurrency 4; CURRENT: concurrency 8), so nothing was compared",
    );
  });

  test("rejects a level without measured requests", () => {
    const baseline = syntheticReport(trials(150, 20));
    const empty = syntheticReport(
      Array.from({ length: 5 }, () => syntheticTrial({ ttftMs: 150, itlMs: 20, count: 0 })),
    );
    const compare = () => compareReports(baseline, empty, options);
    expect(compare).toThrow(ConfigError);
    expect(compare).toThrow("no metric could be compared");
  });

  test("rejects two empty reports with SLOs", () => {
    const empty = syntheticReport(
      Array.from({ length: 5 }, () =>
        syntheticTrial({ ttftMs: 150, itlMs: 20, count: 0, slo: { ttft: 500 } }),
      ),
    );
    expect(() => compareReports(empty, empty, options)).toThrow("no metric could be compared");
  });

  test("fails a target dropping requests", () => {
    const baseline = syntheticReport(trials(150, 20));
    const unanswered = syntheticReport(
      Array.from({ length: 5 }, () => ({
        ...syntheticTrial({ ttftMs: 150, itlMs: 20, count: 0 }),
        autocannon: { non2xx: 0, errors: 0, timeouts: 0, resets: 0, unanswered: 20, lost: 16 },
      })),
    );
    const result = compareReports(baseline, unanswered, options);
    expect(verdictOf(result, "errorRate")).toBe("regression");
  });

  test("prints each metric and the verdict", () => {
    const text = formatComparison(
      compareReports(syntheticReport(trials(150, 20)), syntheticReport(trials(180, 20)), options),
    );
    expect(text).toMatch(/TTFT p50\s+concurrency 4\s+150 ms\s+180 ms\s+\+(19\.\d|20\.\d)%/);
    expect(text).toContain("REGRESSION");
    expect(text).toMatch(/metric\(s\) regressed: TTFT p50 at concurrency 4/);
  });
});
