import type { InFlightRequests } from "./in-flight-requests.ts";
import type { RequestOutcome } from "./request-outcome.ts";

export interface OpenLoopOptions {
  /** Planned send offsets in milliseconds from `startAt`, ascending (see `planArrivals`). */
  readonly offsetsMs: Float64Array;
  /** `performance.now()` of offset 0. */
  readonly startAt: number;
  /**
   * Maximum requests in flight. An arrival beyond it waits in a FIFO queue, and its latency still
   * counts from its planned time, so the wait shows as queueing delay.
   */
  readonly maxInFlight: number;
  readonly send: (plannedAt: number) => Promise<RequestOutcome>;
  readonly onOutcome: (outcome: RequestOutcome) => void;
  readonly inFlight: InFlightRequests;
}

/**
 * Runs an open loop: every request goes out at its planned time whether or not earlier ones have
 * ended, so a slow server cannot slow the arrivals down (no coordinated omission). One timer
 * sleeps until the next planned time and then sends every request that is due, so a late timer
 * sends late requests at once with their planned times kept. Returns when every planned request
 * has ended or the run was stopped.
 */
export async function runOpenLoop(options: OpenLoopOptions): Promise<void> {
  const { offsetsMs, startAt } = options;
  const queue: number[] = [];
  let next = 0;
  let running = 0;
  let pending = offsetsMs.length;

  return new Promise<void>((resolve) => {
    if (pending === 0) {
      resolve();
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    let removeStopListener = (): void => undefined;

    const settle = (): void => {
      pending -= 1;
      if (pending === 0) {
        if (timer !== undefined) clearTimeout(timer);
        removeStopListener();
        resolve();
      }
    };

    const start = (plannedAt: number): void => {
      running += 1;
      void options.send(plannedAt).then((outcome) => {
        running -= 1;
        options.onOutcome(outcome);
        settle();
        drainQueue();
      });
    };

    const drainQueue = (): void => {
      while (queue.length > 0 && running < options.maxInFlight) start(queue.shift() as number);
      if (options.inFlight.stopped) dropRemaining();
    };

    const dropRemaining = (): void => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      const dropped = queue.length + (offsetsMs.length - next);
      queue.length = 0;
      next = offsetsMs.length;
      for (let i = 0; i < dropped; i += 1) settle();
    };

    const tick = (): void => {
      timer = undefined;
      if (options.inFlight.stopped) {
        dropRemaining();
        return;
      }
      const now = performance.now();
      while (next < offsetsMs.length && startAt + (offsetsMs[next] as number) <= now) {
        const plannedAt = startAt + (offsetsMs[next] as number);
        next += 1;
        if (running < options.maxInFlight) start(plannedAt);
        else queue.push(plannedAt);
      }
      if (next < offsetsMs.length) {
        timer = setTimeout(tick, Math.max(0, startAt + (offsetsMs[next] as number) - performance.now()));
      }
    };

    removeStopListener = options.inFlight.onStop(dropRemaining);
    tick();
  });
}
