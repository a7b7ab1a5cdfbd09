import type { InFlightRequests } from "./in-flight-requests.ts";
import type { RequestOutcome } from "./request-outcome.ts";

export interface ClosedLoopOptions {
  /** Number of workers; each sends its next request when the previous one ended. */
  readonly concurrency: number;
  /** `performance.now()` at which the loop starts; the warm-up ends at `startAt + warmupMs`. */
  readonly startAt: number;
  readonly warmupMs: number;
  /** Measured span after the warm-up; no request is sent after it ends. */
  readonly durationMs: number;
  /** Maximum measured requests over all workers. */
  readonly maxRequests: number;
  /** Sends one request planned at `plannedAt` (the send time in a closed loop). */
  readonly send: (plannedAt: number) => Promise<RequestOutcome>;
  readonly onOutcome: (outcome: RequestOutcome) => void;
  readonly inFlight: InFlightRequests;
}

/**
 * Runs a closed loop: `concurrency` workers, each sending back to back. It stops sending at the
 * end of the duration, after `maxRequests` measured requests, or when the run is stopped, and
 * returns when the requests in flight have ended (each one is bounded by its timeout).
 */
export async function runClosedLoop(options: ClosedLoopOptions): Promise<void> {
  const measureStart = options.startAt + options.warmupMs;
  const endAt = measureStart + options.durationMs;
  let measuredSent = 0;

  const worker = async (): Promise<void> => {
    for (;;) {
      const now = performance.now();
      if (options.inFlight.stopped || now >= endAt) return;
      if (now >= measureStart) {
        if (measuredSent >= options.maxRequests) return;
        measuredSent += 1;
      }
      const outcome = await options.send(now);
      options.onOutcome(outcome);
    }
  };

  await Promise.all(Array.from({ length: options.concurrency }, worker));
}
