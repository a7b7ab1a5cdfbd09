import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { compareReports, DEFAULT_ALPHA } from "../../src/bench/compare.ts";
import { formatComparison } from "../../src/bench/compare-format.ts";
import { startEmbeddedMock, type EmbeddedMock } from "../../src/bench/mock-process.ts";
import type { TrialResult } from "../../src/bench/trial-result.ts";
import { chatTiming, runChatStreamTrial } from "../helpers/mock-trials.ts";
import { syntheticReport } from "../helpers/synthetic-report.ts";

/**
 * The regression gate end to end: real trials against two embedded mocks, one with the baseline
 * timing model and one 20% slower. Trials of the runs alternate, so machine load that changes
 * during the test falls on both sides alike.
 */
const TRIALS = 5;
const BASE = chatTiming(100, 10, 64);
const SLOWER = chatTiming(120, 12, 64);

describe("bench compare against the mock", () => {
  let baseMock: EmbeddedMock;
  let slowMock: EmbeddedMock;
  const baseline: TrialResult[] = [];
  const sameBuild: TrialResult[] = [];
  const slower: TrialResult[] = [];

  beforeAll(async () => {
    [baseMock, slowMock] = await Promise.all([startEmbeddedMock(BASE), startEmbeddedMock(SLOWER)]);
    const trial = (mock: EmbeddedMock, seed: number) =>
      runChatStreamTrial(mock, {
        load: { mode: "closed", concurrency: 4 },
        warmupMs: 300,
        durationMs: 1200,
        maxTokens: 8,
        seed,
      });
    for (let index = 0; index < TRIALS; index += 1) {
      baseline.push(await trial(baseMock, index));
      sameBuild.push(await trial(baseMock, index + 100));
      slower.push(await trial(slowMock, index + 200));
    }
  }, 120_000);

  afterAll(async () => {
    await Promise.all([baseMock.close(), slowMock.close()]);
  });

  const options = { alpha: DEFAULT_ALPHA, thresholds: {}, seed: 1 };

  test("passes the same build against itself", () => {
    const result = compareReports(syntheticReport(baseline), syntheticReport(sameBuild), options);
    console.info(formatComparison(result));
    expect(result.regressions).toEqual([]);
  });

  test("fails a 20% slower timing model", () => {
    const result = compareReports(syntheticReport(baseline), syntheticReport(slower), options);
    console.info(formatComparison(result));
    const regressed = result.regressions.map((item) => item.metric);
    expect(regressed).toContain("ttft.p50");
    expect(regressed).toContain("e2e.p50");
  });
});
