import { REPORT_FORMAT, type BenchReport } from "../../src/bench/bench-report.ts";
import { captureEnvironment } from "../../src/bench/environment.ts";
import { describeLoadPoint, type LoadPoint } from "../../src/bench/load-point.ts";
import type { RequestFailure, RequestOutcome } from "../../src/bench/request-outcome.ts";
import type { Slo } from "../../src/bench/slo.ts";
import { mergeTrials } from "../../src/bench/trial-merge.ts";
import { TrialRecorder } from "../../src/bench/trial-recorder.ts";
import type { TrialResult } from "../../src/bench/trial-result.ts";

/**
 * Builders of request outcomes and reports with known timing, for tests of the recorder, the
 * merge and the regression gate without a server.
 */

export interface StreamShape {
  readonly plannedAt: number;
  readonly queueMs?: number;
  readonly ttftMs: number;
  readonly itlMs: number;
  readonly deltas: number;
  /** Output tokens from usage; undefined counts the deltas instead. */
  readonly usageTokens?: number;
  readonly tailMs?: number;
}

export function streamOutcome(shape: StreamShape): RequestOutcome {
  const sentAt = shape.plannedAt + (shape.queueMs ?? 0);
  const deltaTimes = Array.from(
    { length: shape.deltas },
    (_unused, i) => shape.plannedAt + shape.ttftMs + i * shape.itlMs,
  );
  const lastDelta = deltaTimes.at(-1) ?? shape.plannedAt;
  return {
    plannedAt: shape.plannedAt,
    sentAt,
    headersAt: sentAt + 1,
    firstByteAt: sentAt + 1,
    endedAt: lastDelta + (shape.tailMs ?? 0),
    status: 200,
    bytesReceived: 100 * shape.deltas,
    failure: undefined,
    stream: {
      deltaTimes,
      outputTokens: shape.usageTokens ?? shape.deltas,
      tokenSource: shape.usageTokens === undefined ? "counted-deltas" : "usage",
    },
    outputTokens: undefined,
    aborted: false,
  };
}

export function failedOutcome(plannedAt: number, failure: RequestFailure, status?: number): RequestOutcome {
  return {
    plannedAt,
    sentAt: plannedAt,
    headersAt: undefined,
    firstByteAt: undefined,
    endedAt: plannedAt + 5,
    status,
    bytesReceived: 0,
    failure,
    stream: undefined,
    outputTokens: undefined,
    aborted: false,
  };
}

/** Records `count` streams, one every `gapMs`, with TTFT `ttftMs` and ITL `itlMs`; returns the trial. */
export function syntheticTrial(options: {
  readonly ttftMs: number;
  readonly itlMs: number;
  readonly count?: number;
  readonly gapMs?: number;
  readonly jitter?: (index: number) => number;
  readonly slo?: Slo;
}): TrialResult {
  const recorder = new TrialRecorder("stream-client", 0, options.slo ?? {});
  const count = options.count ?? 50;
  for (let i = 0; i < count; i += 1) {
    const wobble = options.jitter?.(i) ?? 0;
    recorder.record(
      streamOutcome({
        plannedAt: i * (options.gapMs ?? 20),
        ttftMs: options.ttftMs + wobble,
        itlMs: options.itlMs,
        deltas: 8,
        usageTokens: 8,
      }),
    );
  }
  return recorder.finish(new Date(0).toISOString(), count * (options.gapMs ?? 20));
}

/** Builds a report of one scenario with the given trials at one closed-loop load point. */
export function syntheticReport(
  trials: readonly TrialResult[],
  scenario = "chat-stream",
  load: LoadPoint = { mode: "closed", concurrency: 4 },
): BenchReport {
  return {
    format: REPORT_FORMAT,
    scenario: { name: scenario, description: "synthetic", kind: "chat-stream" },
    settings: {
      engine: "stream-client",
      path: "/chat/completions",
      body: { model: "test" },
      seed: 1,
      arrival: "poisson",
      warmupSeconds: 0,
      durationSeconds: 1,
      maxRequests: 1000,
      timeoutSeconds: 10,
      trials: trials.length,
      maxInFlight: 100,
      slo: {},
      thresholds: {},
    },
    target: {
      baseUrl: "http://127.0.0.1:1/v1",
      embeddedMock: true,
      mockTiming: undefined,
      mockTimingDrift: undefined,
    },
    environment: captureEnvironment(),
    shard: undefined,
    startedAt: new Date(0).toISOString(),
    finishedAt: new Date(1000).toISOString(),
    partial: false,
    stopReason: undefined,
    points: [{ load, label: describeLoadPoint(load), trials, combined: mergeTrials(trials, "sequential") }],
  };
}
