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

/** One pending wait. */
interface Waiter {
  readonly at: number;
  readonly signal: AbortSignal | undefined;
  readonly resolve: (due: boolean) => void;
  settled: boolean;
  /** The timer group the wait is in. */
  group: TimerGroup | undefined;
}

/** The waits due in one millisecond and the timer that wakes them. */
interface TimerGroup {
  readonly wakeAt: number;
  readonly waiters: Waiter[];
  /** Waits in the group that are not settled yet; the timer is cleared when none are left. */
  pending: number;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Waits for absolute planned send times and measures how late each send was.
 *
 * Every wait targets an absolute time on the `performance.now()` clock instead of a delay after
 * the previous send, so lateness never accumulates over a stream. Node timers have millisecond
 * granularity and may fire before the target, because libuv compares against a cached loop
 * time. So the scheduler wakes waiters at whole milliseconds and, after a wake-up, checks the
 * clock again and waits once more if the target has not come. A send is therefore never early,
 * and its lateness is the rounding up to whole milliseconds plus any event-loop delay. The
 * scheduler does not spin on `setImmediate` for sub-millisecond precision, because with hundreds
 * of concurrent streams that kept the process busy all the time. Drift is recorded in
 * microseconds in an HDR histogram.
 *
 * Waits due in the same millisecond share one timer, and a signal gets one abort listener for
 * all its waits, so hundreds of concurrent streams cost one timer per due millisecond instead of
 * a timer and a listener per frame.
 */
export class TimingScheduler {
  private readonly histogram: Histogram = build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
  });
  /** Timer groups by the whole millisecond their timer fires at. */
  private readonly groups = new Map<number, TimerGroup>();
  /** Pending waits of each signal that has an abort listener. */
  private readonly waitsBySignal = new WeakMap<AbortSignal, Set<Waiter>>();

  constructor(private readonly clock: () => number = () => performance.now()) {}

  now(): number {
    return this.clock();
  }

  /**
   * Resolves at `at` (ms on the scheduler clock), or at once when `at` has passed. Returns false
   * when `signal` aborted the wait.
   */
  waitUntil(at: number, signal?: AbortSignal): Promise<boolean> {
    if (signal?.aborted === true) return Promise.resolve(false);
    if (at <= this.clock()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter: Waiter = { at, signal, resolve, settled: false, group: undefined };
      if (signal !== undefined) this.watchAbort(signal, waiter);
      this.schedule(waiter);
    });
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
  /** Adds `waiter` to the timer group of the millisecond it is due in, starting the group's timer if needed. */
  private schedule(waiter: Waiter): void {
    const wakeAt = Math.ceil(waiter.at);
    let group = this.groups.get(wakeAt);
    if (group === undefined) {
      const created: TimerGroup = { wakeAt, waiters: [], pending: 0, timer: undefined };
      created.timer = setTimeout(() => this.wake(created), Math.max(1, Math.ceil(wakeAt - this.clock())));
      this.groups.set(wakeAt, created);
      group = created;
    }
    group.waiters.push(waiter);
    group.pending += 1;
    waiter.group = group;
  }

  private wake(group: TimerGroup): void {
    this.groups.delete(group.wakeAt);
    const now = this.clock();
    for (const waiter of group.waiters) {
      if (waiter.settled) continue;
      if (waiter.signal?.aborted === true) {
        this.settle(waiter, false);
      } else if (waiter.at > now) {
        // The timer fired before the target, because libuv compares against a cached loop time.
        this.schedule(waiter);
      } else {
        this.settle(waiter, true);
      }
    }
  }

  private watchAbort(signal: AbortSignal, waiter: Waiter): void {
    let waits = this.waitsBySignal.get(signal);
    if (waits === undefined) {
      const pending = new Set<Waiter>();
      waits = pending;
      this.waitsBySignal.set(signal, pending);
      signal.addEventListener(
        "abort",
        () => {
          for (const pendingWaiter of pending) this.settle(pendingWaiter, false);
        },
        { once: true },
      );
    }
    waits.add(waiter);
  }

  private settle(waiter: Waiter, due: boolean): void {
    if (waiter.settled) return;
    waiter.settled = true;
    if (waiter.signal !== undefined) this.waitsBySignal.get(waiter.signal)?.delete(waiter);
    const group = waiter.group;
    if (group !== undefined) {
      group.pending -= 1;
      // A group whose waits were all aborted needs no timer, and a pending timer would keep the process alive.
      if (group.pending === 0 && this.groups.get(group.wakeAt) === group) {
        clearTimeout(group.timer);
        this.groups.delete(group.wakeAt);
      }
    }
    waiter.resolve(due);
  }
}
