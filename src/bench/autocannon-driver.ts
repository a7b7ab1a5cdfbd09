import autocannon from "autocannon";
import { truncateMessage, type RequestOutcome } from "./request-outcome.ts";
import type { InFlightRequests } from "./in-flight-requests.ts";
import type { PreparedRequest } from "./prepared-request.ts";
import type { Slo } from "./slo.ts";
import { TrialRecorder } from "./trial-recorder.ts";
import type { TrialResult } from "./trial-result.ts";

export interface AutocannonTrialOptions {
  readonly request: PreparedRequest;
  /** autocannon connections: a closed loop with this many requests in flight. */
  readonly connections: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly maxRequests: number;
  readonly timeoutMs: number;
  readonly slo: Slo;
  readonly inFlight: InFlightRequests;
  readonly onOutcome?: (outcome: RequestOutcome) => void;
}

/**
 * Interval of autocannon's samples, in ms. autocannon 9 checks its duration and stop flag only when
 * it takes a sample (lib/run.js), so with its default of 1000 ms a 0.3 s trial ran for 1 s. At 50 ms
 * a run ends at most about 50 ms after its duration.
 */
const SAMPLE_INTERVAL_MS = 50;

/**
 * Runs one closed-loop trial with autocannon 9: a warm-up run whose results are dropped, then the
 * measured run. Every response autocannon reports is recorded in microseconds in our own HDR
 * histograms, so autocannon trials and undici trials share one report format. autocannon counts
 * a whole streamed response as one response and does not read its body, so a 2xx counts as a
 * success here; the run's preflight request checks one body before any timing.
 */
export async function runAutocannonTrial(options: AutocannonTrialOptions): Promise<TrialResult> {
  const connections = Math.max(1, Math.min(options.connections, options.maxRequests));
  if (options.warmupMs > 0 && !options.inFlight.stopped) {
    await runInstance(options, connections, options.warmupMs, undefined, () => undefined);
  }

  const measureStart = performance.now();
  const startedAtIso = new Date(Date.now()).toISOString();
  const recorder = new TrialRecorder("autocannon", measureStart, options.slo);
  const record = (outcome: RequestOutcome): void => {
    recorder.record(outcome);
    options.onOutcome?.(outcome);
  };
  const counters = options.inFlight.stopped
    ? { non2xx: 0, errors: 0, timeouts: 0, resets: 0, unanswered: 0, lost: 0 }
    : await runInstance(options, connections, options.durationMs, options.maxRequests, record, measureStart);
  // Requests still unanswered were in flight until autocannon stopped. Ending the trial at the last
  // response instead would shorten a stalled trial and inflate its throughput.
  const result = recorder.finish(startedAtIso, performance.now(), (counters.unanswered ?? 0) > 0);
  return { ...result, autocannon: counters };
}

function runInstance(
  options: AutocannonTrialOptions,
  connections: number,
  durationMs: number,
  maxRequests: number | undefined,
  record: (outcome: RequestOutcome) => void,
  measureStart = 0,
): Promise<NonNullable<TrialResult["autocannon"]>> {
  // Responses and errors recorded; the rest of autocannon's sent requests went unanswered.
  let recorded = 0;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${options.request.origin}${options.request.path}`,
        method: options.request.method,
        headers: { ...options.request.headers },
        body: options.request.body,
        connections,
        duration: durationMs / 1000,
        sampleInt: SAMPLE_INTERVAL_MS,
        // maxOverallRequests keeps the duration bound active; `amount` would switch it off.
        ...(maxRequests === undefined ? {} : { maxOverallRequests: maxRequests }),
        timeout: Math.max(1, Math.ceil(options.timeoutMs / 1000)),
      },
      (error: unknown, result: autocannon.Result) => {
        removeStopListener();
        if (error !== null && error !== undefined) {
          reject(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        // autocannon 9 sets requests.sent (lib/aggregateResult.js), which @types/autocannon omits.
        const sent = (result.requests as { sent?: number }).sent ?? recorded;
        resolve({
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          resets: result.resets,
          unanswered: Math.max(0, sent - recorded),
          lost: Math.max(0, sent - recorded - connections),
        });
      },
    );
    const removeStopListener = options.inFlight.onStop(() => instance.stop());

    instance.on("response", (_client, statusCode: number, bytes: number, responseTimeMs: number) => {
      recorded += 1;
      const endedAt = performance.now();
      const sentAt = Math.max(measureStart, endedAt - responseTimeMs);
      const ok = statusCode >= 200 && statusCode < 300;
      record(
        outcomeOf(
          sentAt,
          endedAt,
          statusCode,
          bytes,
          ok ? undefined : { kind: "http-status", message: `HTTP ${statusCode}` },
        ),
      );
    });
    instance.on("reqError", (error: unknown) => {
      recorded += 1;
      const endedAt = performance.now();
      const message = error instanceof Error ? error.message : String(error);
      const kind = /timed out/i.test(message) ? "timeout" : "connection-error";
      record(outcomeOf(endedAt, endedAt, undefined, 0, { kind, message: truncateMessage(message) }));
    });
  });
}

function outcomeOf(
  sentAt: number,
  endedAt: number,
  status: number | undefined,
  bytes: number,
  failure: RequestOutcome["failure"],
): RequestOutcome {
  return {
    plannedAt: sentAt,
    sentAt,
    headersAt: undefined,
    firstByteAt: undefined,
    endedAt,
    status,
    bytesReceived: bytes,
    failure,
    stream: undefined,
    outputTokens: undefined,
    aborted: false,
  };
}
