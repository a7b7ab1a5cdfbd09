/**
 * The event history of one background run (a factory or video run), which SSE streams replay and
 * then follow live until the run ends.
 */

/** An event with its planned time on the `performance.now()` clock, when the timing model set one. */
export interface LoggedEvent<E> {
  readonly event: E;
  readonly at?: number;
}

/** An item of `follow`: the next event, or a heartbeat while the run is quiet. */
export type FollowedItem<E> =
  | { readonly kind: "event"; readonly event: E; readonly at?: number }
  | { readonly kind: "heartbeat"; readonly epochMs: number };

export interface FollowOptions {
  /**
   * Position of the first event to yield: 0 replays the kept history, and `cursor()` taken earlier
   * starts with the first event appended after that moment.
   */
  readonly from: number;
  /** Interval of heartbeats while no event arrives, in ms. */
  readonly heartbeatMs: number;
  /** Ends the iteration, as when the client closes the stream. */
  readonly signal: AbortSignal;
}

export class RunEventLog<E> {
  private readonly entries: LoggedEvent<E>[] = [];
  /** Entries dropped from the front to respect `maxEntries`. */
  private dropped = 0;
  private ended = false;
  private readonly wakers = new Set<() => void>();

  /**
   * @param maxEntries Entries kept for replay; older ones are dropped, so a stream that opens late
   * in a long run replays only the newest events.
   */
  constructor(private readonly maxEntries = 10_000) {}

  get isEnded(): boolean {
    return this.ended;
  }

  /** Appends an event and wakes the followers. Events appended after `end()` are ignored. */
  append(event: E, at?: number): void {
    if (this.ended) return;
    this.entries.push(at === undefined ? { event } : { event, at });
    if (this.entries.length > this.maxEntries) {
      this.entries.shift();
      this.dropped += 1;
    }
    this.wake();
  }

  /** Marks the run as ended; followers finish after the events already appended. */
  end(): void {
    this.ended = true;
    this.wake();
  }

  /** Returns the position the next appended event will get, for `follow({ from })`. */
  cursor(): number {
    return this.dropped + this.entries.length;
  }

  /** Returns the kept events, oldest first. */
  history(): readonly LoggedEvent<E>[] {
    return this.entries;
  }

  /**
   * Yields the events of the log in order and then the new ones as they are appended, with a
   * heartbeat after each `heartbeatMs` without an event. Ends when the log ends or `signal` aborts.
   */
  async *follow(options: FollowOptions): AsyncGenerator<FollowedItem<E>> {
    let next = options.from;
    while (!options.signal.aborted) {
      // A follower that fell behind the kept history continues at its oldest entry.
      next = Math.max(next, this.dropped);
      const entry = this.entries[next - this.dropped];
      if (entry !== undefined) {
        next += 1;
        yield entry.at === undefined
          ? { kind: "event", event: entry.event }
          : { kind: "event", event: entry.event, at: entry.at };
        continue;
      }
      if (this.ended) return;
      const woken = await this.waitForChange(options.heartbeatMs, options.signal);
      if (!woken && !options.signal.aborted) yield { kind: "heartbeat", epochMs: Date.now() };
    }
  }

  /** Resolves true when an event is appended or the log ends, false after `timeoutMs` or on abort. */
  private waitForChange(timeoutMs: number, signal: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      const finish = (woken: boolean): void => {
        clearTimeout(timer);
        this.wakers.delete(onChange);
        signal.removeEventListener("abort", onAbort);
        resolve(woken);
      };
      const onChange = (): void => finish(true);
      const onAbort = (): void => finish(false);
      const timer = setTimeout(() => finish(false), timeoutMs);
      this.wakers.add(onChange);
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }

  private wake(): void {
    for (const waker of [...this.wakers]) waker();
  }
}
