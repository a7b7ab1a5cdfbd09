/** Abort reasons that tell a timeout from a stopped run. */
export const TIMEOUT_REASON = "msq-harness: request timed out";
export const STOPPED_REASON = "msq-harness: run stopped";

/**
 * The abort controllers of the requests in flight, so that stopping a run (Ctrl-C, the duration
 * bound) aborts them all with one call instead of one signal listener per request.
 */
export class InFlightRequests {
  private readonly controllers = new Set<AbortController>();
  private readonly stopListeners = new Set<() => void>();
  private stoppedFlag = false;

  get stopped(): boolean {
    return this.stoppedFlag;
  }

  get size(): number {
    return this.controllers.size;
  }

  /** Returns a controller for a new request; it is already aborted when the run was stopped. */
  track(): AbortController {
    const controller = new AbortController();
    if (this.stoppedFlag) controller.abort(STOPPED_REASON);
    else this.controllers.add(controller);
    return controller;
  }

  release(controller: AbortController): void {
    this.controllers.delete(controller);
  }

  /** Calls `listener` once when the run is stopped; returns a function that removes it. */
  onStop(listener: () => void): () => void {
    this.stopListeners.add(listener);
    return () => this.stopListeners.delete(listener);
  }

  /** Aborts every request in flight and every later `track()`, then calls the stop listeners. */
  stopAll(): void {
    if (this.stoppedFlag) return;
    this.stoppedFlag = true;
    for (const controller of this.controllers) controller.abort(STOPPED_REASON);
    this.controllers.clear();
    for (const listener of this.stopListeners) listener();
    this.stopListeners.clear();
  }
}
