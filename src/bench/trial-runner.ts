import { Pool } from "undici";
import { planArrivals } from "./arrival-schedule.ts";
import { runAutocannonTrial } from "./autocannon-driver.ts";
import { runClosedLoop } from "./closed-loop.ts";
import type { InFlightRequests } from "./in-flight-requests.ts";
import type { LoadPoint } from "./load-point.ts";
import { runOpenLoop } from "./open-loop.ts";
import type { PreparedRequest } from "./prepared-request.ts";
import { sendRequest } from "./request-client.ts";
import type { RequestOutcome } from "./request-outcome.ts";
import { shareOf, type Shard } from "./shard.ts";
import type { Slo } from "./slo.ts";
import { sendStreamingChat } from "./stream-client.ts";
import { TrialRecorder } from "./trial-recorder.ts";
import type { EngineName, TrialResult } from "./trial-result.ts";

export interface TrialSettings {
  readonly engine: EngineName;
  readonly request: PreparedRequest;
  readonly load: LoadPoint;
  /** Seed of the open-loop schedule of this trial. */
  readonly seed: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  /** Maximum measured requests of the whole run; a shard takes its share. */
  readonly maxRequests: number;
  /** Maximum time of one request, from sending it to the end of its body, in ms. */
  readonly timeoutMs: number;
  /**
   * Maximum time to open a connection of the undici engines in ms, or `timeoutMs` when absent.
   * autocannon has no connect timeout of its own, so there `timeoutMs` bounds the connect as well.
   */
  readonly connectTimeoutMs?: number;
  /** Open loop: maximum requests in flight before arrivals queue in the client. */
  readonly maxInFlight: number;
  readonly slo: Slo;
  readonly shard: Shard | undefined;
}

/** Lead time between planning an open-loop schedule and its first send. */
const OPEN_LOOP_LEAD_MS = 20;

/** Runs one trial at one load point and returns its figures. */
export async function runTrial(
  settings: TrialSettings,
  inFlight: InFlightRequests,
  onOutcome?: (outcome: RequestOutcome) => void,
): Promise<TrialResult> {
  const { load, shard } = settings;
  if (settings.engine === "autocannon") {
    if (load.mode !== "closed")
      throw new Error("autocannon runs closed loops only; use the request client for open loops.");
    return runAutocannonTrial({
      request: settings.request,
      connections: shareOf(load.concurrency, shard),
      warmupMs: settings.warmupMs,
      durationMs: settings.durationMs,
      maxRequests: shareOf(settings.maxRequests, shard),
      timeoutMs: settings.timeoutMs,
      slo: settings.slo,
      inFlight,
      ...(onOutcome === undefined ? {} : { onOutcome }),
    });
  }

  const connections = load.mode === "closed" ? shareOf(load.concurrency, shard) : settings.maxInFlight;
  const pool = new Pool(settings.request.origin, {
    connections: Math.max(1, connections),
    pipelining: 1,
    keepAliveTimeout: 30_000,
    connectTimeout: settings.connectTimeoutMs ?? settings.timeoutMs,
  });
  const send =
    settings.engine === "stream-client"
      ? (plannedAt: number) =>
          sendStreamingChat(pool, settings.request, plannedAt, { timeoutMs: settings.timeoutMs, inFlight })
      : (plannedAt: number) =>
          sendRequest(pool, settings.request, plannedAt, { timeoutMs: settings.timeoutMs, inFlight });

  try {
    const startAt = performance.now() + (load.mode === "open" ? OPEN_LOOP_LEAD_MS : 0);
    const measureStart = startAt + settings.warmupMs;
    const recorder = new TrialRecorder(settings.engine, measureStart, settings.slo);
    const record = (outcome: RequestOutcome): void => {
      recorder.record(outcome);
      onOutcome?.(outcome);
    };

    if (load.mode === "closed") {
      await runClosedLoop({
        concurrency: connections,
        startAt,
        warmupMs: settings.warmupMs,
        durationMs: settings.durationMs,
        maxRequests: shareOf(settings.maxRequests, shard),
        send,
        onOutcome: record,
        inFlight,
      });
    } else {
      const plan = planArrivals({
        rate: load.rate,
        process: load.arrival,
        seed: settings.seed,
        warmupMs: settings.warmupMs,
        durationMs: settings.durationMs,
        maxRequests: settings.maxRequests,
        shard,
      });
      await runOpenLoop({
        offsetsMs: plan.offsetsMs,
        startAt,
        maxInFlight: settings.maxInFlight,
        timeoutMs: settings.timeoutMs,
        send,
        onOutcome: record,
        inFlight,
      });
    }
    return recorder.finish(isoAt(measureStart), performance.now());
  } finally {
    await pool.close().catch(() => pool.destroy());
  }
}

/** Converts a `performance.now()` time to an ISO wall-clock time. */
export function isoAt(performanceTime: number): string {
  return new Date(Date.now() - (performance.now() - performanceTime)).toISOString();
}
