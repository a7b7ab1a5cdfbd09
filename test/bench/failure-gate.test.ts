import { describe, expect, test } from "vitest";
import type { BenchReport } from "../../src/bench/bench-report.ts";
import {
  checkFailureGate,
  formatFailureRateViolation,
  parseMaxFailurePercent,
} from "../../src/bench/failure-gate.ts";
import { TrialRecorder } from "../../src/bench/trial-recorder.ts";
import type { TrialResult } from "../../src/bench/trial-result.ts";
import { failedOutcome, streamOutcome, syntheticReport } from "../helpers/synthetic-report.ts";

/** Builds a trial with `succeeded` streams and `failed` timeouts, plus autocannon's lost count. */
function trialWith(succeeded: number, failed: number, lost?: number): TrialResult {
  const recorder = new TrialRecorder("stream-client", 0, {});
  for (let i = 0; i < succeeded; i += 1) {
    recorder.record(streamOutcome({ plannedAt: i, ttftMs: 10, itlMs: 5, deltas: 3, usageTokens: 3 }));
  }
  for (let i = 0; i < failed; i += 1) {
    recorder.record(failedOutcome(i, { kind: "timeout", message: "timed out" }));
  }
  const trial = recorder.finish(new Date(0).toISOString(), 1000);
  return lost === undefined
    ? trial
    : { ...trial, autocannon: { non2xx: 0, errors: 0, timeouts: 0, resets: 0, unanswered: lost + 4, lost } };
}

function reportOf(...trials: TrialResult[]): BenchReport {
  return syntheticReport(trials);
}

describe("failure gate", () => {
  test.each([
    ["1", 1],
    ["0", 0],
    ["100", 100],
    ["0.5", 0.5],
    ["5%", 5],
    [" 2 ", 2],
  ])("parses %j", (value, expected) => {
    expect(parseMaxFailurePercent(value)).toBe(expected);
  });

  test.each(["abc", "-1", "101", "", "0x10", "1e1", "+5", "1,5", "Infinity", "5%%"])(
    "rejects %j",
    (value) => {
      expect(() => parseMaxFailurePercent(value)).toThrow(/--max-failure-rate: invalid value/);
    },
  );

  test("passes a share at the limit", () => {
    expect(checkFailureGate(reportOf(trialWith(99, 1)), 1).violations).toEqual([]);
  });

  test("fails a share above the limit", () => {
    const [violation] = checkFailureGate(reportOf(trialWith(98, 2)), 1).violations;
    expect(violation?.failed).toBe(2);
    expect(violation?.sent).toBe(100);
    expect(violation?.classes).toBe("timeout 2");
    expect(violation?.unmeasured).toBe(false);
  });

  test("counts lost requests as failed", () => {
    const [violation] = checkFailureGate(reportOf(trialWith(17, 0, 2)), 1).violations;
    expect(violation?.sent).toBe(19);
    expect(violation?.failed).toBe(2);
    expect(violation?.classes).toBe("unanswered 2");
  });

  test("fails an unmeasured level at any limit", () => {
    const [violation] = checkFailureGate(reportOf(trialWith(0, 0, 2)), 100).violations;
    expect(violation?.unmeasured).toBe(true);
    expect(checkFailureGate(reportOf(trialWith(0, 0)), 100).violations).toHaveLength(1);
  });

  test("skips a partial report", () => {
    const report = { ...reportOf(trialWith(0, 5)), partial: true };
    expect(checkFailureGate(report, 1).violations).toEqual([]);
  });

  test("prints a breach above an equal rounding", () => {
    const [violation] = checkFailureGate(reportOf(trialWith(9898, 101)), 1.01).violations;
    expect(violation).toBeDefined();
    const message = formatFailureRateViolation(violation!, 1.01, "reports/run.json");
    expect(message).toContain("101 of 9999 requests failed (1.0101%, allowed 1.01%; timeout 101)");
    expect(message).toContain("reports/run.json");
  });
});
