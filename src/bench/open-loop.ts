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
  /**
   * Request timeout in ms. An arrival still queued this long after its planned time is recorded
   * as a `timeout` failure without being sent, because latency counts from the planned time; this
   * also bounds a run against a server that stops answering to its duration plus the timeout.
   */
  readonly timeoutMs: number;
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
        if (expiryTimer !== undefined) clearTimeout(expiryTimer);
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
      expireQueue();
      while (queue.length > 0 && running < options.maxInFlight) start(queue.shift() as number);
      if (options.inFlight.stopped) dropRemaining();
    };

    const expireQueue = (): void => {
      const now = performance.now();
      while (queue.length > 0 && now - (queue[0] as number) >= options.timeoutMs) {
        options.onOutcome(queueTimeout(queue.shift() as number, now, options.timeoutMs));
        settle();
      }
    };

    // Queued arrivals expire even while nothing ends, for example when the server never answers.
    let expiryTimer: NodeJS.Timeout | undefined;
    const scheduleExpiry = (): void => {
      if (expiryTimer !== undefined || queue.length === 0) return;
      const wait = Math.max(0, (queue[0] as number) + options.timeoutMs - performance.now());
      expiryTimer = setTimeout(() => {
        expiryTimer = undefined;
        drainQueue();
        scheduleExpiry();
      }, wait);
    };

    const dropRemaining = (): void => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      if (expiryTimer !== undefined) clearTimeout(expiryTimer);
      expiryTimer = undefined;
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
      scheduleExpiry();
      if (next < offsetsMs.length) {
        timer = setTimeout(tick, Math.max(0, startAt + (offsetsMs[next] as number) - performance.now()));
      }
    };

    removeStopListener = options.inFlight.onStop(dropRemaining);
    tick();
  });
}

/** The outcome of an arrival that waited in the client's queue past the request timeout. */
function queueTimeout(plannedAt: number, now: number, timeoutMs: number): RequestOutcome {
  return {
    plannedAt,
    sentAt: now,
    headersAt: undefined,
    firstByteAt: undefined,
    endedAt: now,
    status: undefined,
    bytesReceived: 0,
    failure: {
      kind: "timeout",
      message:
        `waited ${timeoutMs} ms in the client queue (--timeout-ms) because --max-in-flight requests ` +
        "were still open; it was never sent",
    },
    stream: undefined,
    outputTokens: undefined,
    aborted: false,
  };
}
