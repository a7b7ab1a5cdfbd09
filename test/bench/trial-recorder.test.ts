import { describe, expect, test } from "vitest";
import { TrialRecorder } from "../../src/bench/trial-recorder.ts";
import { failedOutcome, streamOutcome } from "../helpers/synthetic-report.ts";

/** HDR percentiles are the highest value of their bucket: equal to 0.1% at three digits. */
function expectMicros(actual: number | undefined, expected: number): void {
  expect(Math.abs((actual ?? Number.NaN) - expected) / expected).toBeLessThan(0.001);
}

describe("TrialRecorder", () => {
  const finish = (recorder: TrialRecorder) => recorder.finish("2024-01-01T00:00:00.000Z", 10_000);

  test("measures TTFT from the planned time", () => {
    const recorder = new TrialRecorder("stream-client", 0, {});
    recorder.record(streamOutcome({ plannedAt: 100, queueMs: 30, ttftMs: 150, itlMs: 20, deltas: 5 }));
    const result = finish(recorder);
    expectMicros(result.metrics.ttft?.summary.p50, 150_000);
    expectMicros(result.metrics.queueDelay?.summary.p50, 30_000);
  });

  test("records one ITL per gap", () => {
    const recorder = new TrialRecorder("stream-client", 0, {});
    recorder.record(streamOutcome({ plannedAt: 0, ttftMs: 100, itlMs: 20, deltas: 5 }));
    const itl = finish(recorder).metrics.itl?.summary;
    expect(itl?.count).toBe(4);
    expectMicros(itl?.p50, 20_000);
  });

  test("computes TPOT from E2E and tokens", () => {
    const recorder = new TrialRecorder("stream-client", 0, {});
    // E2E 100 + 4*20 + 10 = 190 ms, TTFT 100 ms, 10 tokens: (190 - 100) / 9 = 10 ms.
    recorder.record(
      streamOutcome({ plannedAt: 0, ttftMs: 100, itlMs: 20, deltas: 5, usageTokens: 10, tailMs: 10 }),
    );
    const result = finish(recorder);
    expectMicros(result.metrics.tpot?.summary.p50, 10_000);
    expectMicros(result.metrics.e2e?.summary.p50, 190_000);
  });

  test("keeps failures out of latency", () => {
    const recorder = new TrialRecorder("stream-client", 0, {});
    recorder.record(streamOutcome({ plannedAt: 0, ttftMs: 100, itlMs: 20, deltas: 3 }));
    recorder.record(failedOutcome(10, { kind: "http-status", message: "HTTP 500" }, 500));
    recorder.record(failedOutcome(20, { kind: "timeout", message: "timed out" }));
    const result = finish(recorder);
    expect(result.metrics.e2e?.summary.count).toBe(1);
    expect(result.counts.failed).toBe(2);
    expect(result.counts.failures["http-status"]).toBe(1);
    expect(result.counts.failures.timeout).toBe(1);
    expect(result.counts.statusCodes).toEqual({ "200": 1, "500": 1 });
    expect(result.failureSamples["http-status"]).toEqual(["HTTP 500"]);
  });

  test("excludes warm-up requests", () => {
    const recorder = new TrialRecorder("stream-client", 1000, {});
    recorder.record(streamOutcome({ plannedAt: 999, ttftMs: 100, itlMs: 20, deltas: 3 }));
    recorder.record(streamOutcome({ plannedAt: 1000, ttftMs: 100, itlMs: 20, deltas: 3 }));
    const result = finish(recorder);
    expect(result.counts.warmup).toBe(1);
    expect(result.counts.sent).toBe(1);
  });

  test("excludes aborted requests", () => {
    const recorder = new TrialRecorder("stream-client", 0, {});
    recorder.record({
      ...failedOutcome(0, { kind: "timeout", message: "x" }),
      failure: undefined,
      aborted: true,
    });
    const result = finish(recorder);
    expect(result.counts.aborted).toBe(1);
    expect(result.counts.sent).toBe(0);
  });

  test("counts goodput against SLOs", () => {
    const recorder = new TrialRecorder("stream-client", 0, { ttft: 200, e2el: 1000 });
    recorder.record(streamOutcome({ plannedAt: 0, ttftMs: 150, itlMs: 20, deltas: 3 }));
    recorder.record(streamOutcome({ plannedAt: 0, ttftMs: 250, itlMs: 20, deltas: 3 }));
    recorder.record(streamOutcome({ plannedAt: 0, ttftMs: 150, itlMs: 500, deltas: 3 }));
    const result = finish(recorder);
    expect(result.good).toBe(1);
    expect(result.throughput.goodputPerSec).toBeGreaterThan(0);
  });

  test("leaves goodput undefined without SLOs", () => {
    const recorder = new TrialRecorder("stream-client", 0, {});
    recorder.record(streamOutcome({ plannedAt: 0, ttftMs: 150, itlMs: 20, deltas: 3 }));
    expect(finish(recorder).throughput.goodputPerSec).toBeUndefined();
  });

  test("flags token counts from deltas", () => {
    const recorder = new TrialRecorder("stream-client", 0, {});
    recorder.record(streamOutcome({ plannedAt: 0, ttftMs: 100, itlMs: 20, deltas: 4 }));
    recorder.record(streamOutcome({ plannedAt: 0, ttftMs: 100, itlMs: 20, deltas: 4, usageTokens: 8 }));
    const tokens = finish(recorder).outputTokens;
    expect(tokens).toEqual({ total: 12, fromUsage: 1, fromCountedDeltas: 1 });
  });

  test("derives rates from the measured duration", () => {
    const recorder = new TrialRecorder("stream-client", 0, {});
    // Two requests, the last ending at 2000 ms: 1 request/s and 4 tokens/s.
    recorder.record(streamOutcome({ plannedAt: 0, ttftMs: 100, itlMs: 100, deltas: 4 }));
    recorder.record(streamOutcome({ plannedAt: 1600, ttftMs: 100, itlMs: 100, deltas: 4, tailMs: 0 }));
    const result = finish(recorder);
    expect(result.durationSec).toBeCloseTo(2.0, 6);
    expect(result.throughput.requestsPerSec).toBeCloseTo(1, 6);
    expect(result.throughput.outputTokensPerSec).toBeCloseTo(4, 6);
  });

  test("places tokens in the seconds they arrived", () => {
    const recorder = new TrialRecorder("stream-client", 0, {});
    recorder.record(streamOutcome({ plannedAt: 0, ttftMs: 900, itlMs: 200, deltas: 2 }));
    const timeline = finish(recorder).timeline;
    expect(timeline.map((bucket) => bucket.outputTokens)).toEqual([1, 1]);
    expect(timeline.map((bucket) => bucket.succeeded)).toEqual([0, 1]);
  });
});
