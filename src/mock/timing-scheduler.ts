import { build, type Histogram } from "hdr-histogram-js";

/** How late real sends were against their planned times, in milliseconds. */
export interface DriftSummary {
  /** Number of sends measured. */
  count: number;
  mean: number;
  p50: number;
  p99: number;
  max: number;
}

/**
 * Waits for absolute planned send times and measures how late each send was.
 *
 * Every wait targets an absolute time on the `performance.now()` clock instead of a delay after
 * the previous send, so lateness never accumulates over a stream. Node timers have millisecond
 * granularity and may fire before the target, because libuv compares against a cached loop
 * time. So the scheduler rounds each wait up to whole milliseconds and, after a wake-up, checks
 * the clock again and waits once more if the target has not come. A send is therefore never
 * early, and its lateness is the rounding up to whole milliseconds plus any event-loop delay.
 * The scheduler does not spin on `setImmediate` for sub-millisecond precision, because with
 * hundreds of concurrent streams that kept the process busy all the time. Drift is recorded in
 * microseconds in an HDR histogram.
 */
export class TimingScheduler {
  private readonly histogram: Histogram = build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
  });

  constructor(private readonly clock: () => number = () => performance.now()) {}

  now(): number {
    return this.clock();
  }

  /**
   * Resolves at `at` (ms on the scheduler clock), or at once when `at` has passed. Returns false
   * when `signal` aborted the wait.
   */
  async waitUntil(at: number, signal?: AbortSignal): Promise<boolean> {
    for (;;) {
      if (signal?.aborted === true) return false;
      const remaining = at - this.clock();
      if (remaining <= 0) return true;
      await sleep(Math.ceil(remaining), signal);
    }
  }

  /** Records one send that was planned for `at` and happened now. */
  recordSend(at: number): void {
    const lateMicros = Math.max(0, Math.round((this.clock() - at) * 1000));
    this.histogram.recordValue(lateMicros);
  }

  drift(): DriftSummary {
    const histogram = this.histogram;
    if (histogram.totalCount === 0) return { count: 0, mean: 0, p50: 0, p99: 0, max: 0 };
    // A percentile reports the top of its histogram bucket, which can lie above the largest value recorded.
    const max = histogram.maxValue;
    return {
      count: histogram.totalCount,
      mean: histogram.mean / 1000,
      p50: Math.min(histogram.getValueAtPercentile(50), max) / 1000,
      p99: Math.min(histogram.getValueAtPercentile(99), max) / 1000,
      max: max / 1000,
    };
  }

  /** Forgets every recorded send, so a benchmark can measure one phase alone. */
  resetDrift(): void {
    this.histogram.reset();
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
