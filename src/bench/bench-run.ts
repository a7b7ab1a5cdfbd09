import { Pool } from "undici";
import type { TimingModel } from "../mock/timing-model.ts";
import type { BenchTarget } from "./bench-target.ts";
import {
  REPORT_FORMAT,
  type BenchReport,
  type BenchRunSettings,
  type LoadPointResult,
  type MockTimingDrift,
} from "./bench-report.ts";
import { captureEnvironment } from "./environment.ts";
import type { InFlightRequests } from "./in-flight-requests.ts";
import { describeLoadPoint, type LoadPoint } from "./load-point.ts";
import type { PreparedRequest } from "./prepared-request.ts";
import { sendRequest } from "./request-client.ts";
import type { RequestOutcome } from "./request-outcome.ts";
import type { Scenario } from "./scenario.ts";
import type { Shard } from "./shard.ts";
import { sendStreamingChat } from "./stream-client.ts";
import { mergeTrials } from "./trial-merge.ts";
import type { TrialResult } from "./trial-result.ts";
import { isoAt, runTrial } from "./trial-runner.ts";

export interface BenchRunPlan {
  readonly scenario: Scenario;
  readonly settings: BenchRunSettings;
  /** Request body as sent; `settings.body` is its redacted copy for the report. */
  readonly body: Readonly<Record<string, unknown>>;
  /** Load levels in run order: one, or the points of a sweep. */
  readonly points: readonly LoadPoint[];
  readonly target: BenchTarget;
  /** Maximum time to open a TCP or TLS connection, in ms (`--connect-timeout-ms`). */
  readonly connectTimeoutMs: number;
  /** Timing model of the embedded mock, when the run started one. */
  readonly mockTiming: TimingModel | undefined;
  readonly shard: Shard | undefined;
}

/** Progress events of a run, for a progress bar or a log. */
export interface BenchRunHooks {
  /** Stop handle: `stopAll()` ends the run early and the report is marked partial. */
  readonly inFlight: InFlightRequests;
  readonly onTrialStart?: (point: LoadPoint, pointIndex: number, trialIndex: number) => void;
  readonly onOutcome?: (outcome: RequestOutcome) => void;
  readonly onTrialEnd?: (point: LoadPoint, trialIndex: number, result: TrialResult) => void;
  /** Returns the embedded mock's send lateness, read at the end of the run. */
  readonly mockTimingDrift?: () => Promise<MockTimingDrift | undefined>;
}

/** The preflight request failed, so no timing of the target would mean anything. */
export class PreflightError extends Error {
  override readonly name = "PreflightError";
}

/** Builds the request that every trial of the run sends. */
export function prepareRequest(
  scenario: Scenario,
  body: Readonly<Record<string, unknown>>,
  target: BenchTarget,
): PreparedRequest {
  const input = body["input"];
  return {
    origin: target.origin,
    path: `${target.basePath}${scenario.path}`,
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: scenario.kind === "chat-stream" ? "text/event-stream" : "application/json",
      "x-api-key": target.apiKey,
    },
    body: JSON.stringify(body),
    expectedEmbeddings: scenario.kind === "embeddings" ? embeddingCount(input) : undefined,
  };
}

/**
 * Runs every trial at every load point and returns the report. One preflight request checks the
 * target's response before any timing starts. A stop (Ctrl-C) ends the run at once. The report
 * then contains the trials that ran, the interrupted one included, and is marked partial.
 */
export async function runBench(plan: BenchRunPlan, hooks: BenchRunHooks): Promise<BenchReport> {
  const { scenario, settings, target } = plan;
  const startedAt = new Date().toISOString();
  const request = prepareRequest(scenario, plan.body, target);
  await preflight(scenario, request, hooks.inFlight, {
    timeoutMs: settings.timeoutSeconds * 1000,
    connectTimeoutMs: plan.connectTimeoutMs,
  });

  const points: LoadPointResult[] = [];
  for (const [pointIndex, point] of plan.points.entries()) {
    if (hooks.inFlight.stopped) break;
    const trials: TrialResult[] = [];
    for (let trialIndex = 0; trialIndex < settings.trials && !hooks.inFlight.stopped; trialIndex += 1) {
      hooks.onTrialStart?.(point, pointIndex, trialIndex);
      const result = await runTrial(
        {
          engine: settings.engine,
          request,
          load: point,
          // Each trial plans its own open-loop schedule, so trials are independent samples.
          seed: settings.seed + trialIndex,
          warmupMs: settings.warmupSeconds * 1000,
          durationMs: settings.durationSeconds * 1000,
          maxRequests: settings.maxRequests,
          timeoutMs: settings.timeoutSeconds * 1000,
          connectTimeoutMs: plan.connectTimeoutMs,
          maxInFlight: settings.maxInFlight,
          slo: settings.slo,
          shard: plan.shard,
        },
        hooks.inFlight,
        hooks.onOutcome,
      );
      trials.push(result);
      hooks.onTrialEnd?.(point, trialIndex, result);
    }
    if (trials.length > 0) {
      points.push({
        load: point,
        label: describeLoadPoint(point),
        trials,
        combined: mergeTrials(trials, "sequential"),
      });
    }
  }

  const expectedTrials = plan.points.length * settings.trials;
  const ranTrials = points.reduce((sum, point) => sum + point.trials.length, 0);
  const stopped = hooks.inFlight.stopped;
  return {
    format: REPORT_FORMAT,
    scenario: { name: scenario.name, description: scenario.description, kind: scenario.kind },
    settings,
    target: {
      baseUrl: target.baseUrl,
      embeddedMock: target.embeddedMock,
      mockTiming: plan.mockTiming,
      mockTimingDrift: hooks.mockTimingDrift === undefined ? undefined : await hooks.mockTimingDrift(),
    },
    environment: captureEnvironment(),
    shard:
      plan.shard === undefined ? undefined : { count: plan.shard.count, indexes: [plan.shard.index + 1] },
    startedAt,
    finishedAt: isoAt(performance.now()),
    partial: stopped || ranTrials < expectedTrials,
    stopReason: stopped ? "stopped by signal before every trial ended" : undefined,
    points,
  };
}

/** Returns the number of vectors an embeddings request asks for: one per input string. */
function embeddingCount(input: unknown): number {
  return Array.isArray(input) ? input.length : 1;
}

/**
 * Sends one request and throws `PreflightError` unless it succeeds. The request is tracked in the
 * run's `inFlight`, so a stop (Ctrl-C) aborts it at once instead of after the request timeout, and
 * the run then ends with an empty partial report.
 */
async function preflight(
  scenario: Scenario,
  request: PreparedRequest,
  inFlight: InFlightRequests,
  timeouts: { readonly timeoutMs: number; readonly connectTimeoutMs: number },
): Promise<void> {
  const pool = new Pool(request.origin, { connections: 1, connectTimeout: timeouts.connectTimeoutMs });
  try {
    const send = scenario.kind === "chat-stream" ? sendStreamingChat : sendRequest;
    const outcome = await send(pool, request, performance.now(), { timeoutMs: timeouts.timeoutMs, inFlight });
    if (outcome.failure !== undefined) {
      throw new PreflightError(
        `preflight ${request.method} ${request.origin}${request.path} failed (${outcome.failure.kind}): ` +
          `${outcome.failure.message}. Check the target (--target, MSQ_BASE_URL), the key ` +
          "(MSQ_API_KEY) and the model name (--chat-model, --embedding-model), or the same keys of " +
          "the config file, before timing anything.",
      );
    }
  } finally {
    await pool.close().catch(() => pool.destroy());
  }
}
