import type { Logger } from "../../../log/logger.ts";
import type { MockStore } from "../../store.ts";
import type { TimingScheduler } from "../../timing-scheduler.ts";
import { recordUsage } from "../../usage-recording.ts";
import { isTerminal, touchRun, type RunEvent, type RunState, type StepState } from "./run-records.ts";

const CANCELLED = "The workflow run was cancelled.";

/** One planned change of a run: at `at` it updates the run and returns the event the stream sends. */
export interface RunStep {
  /** Planned time on the `performance.now()` clock. */
  readonly at: number;
  /** Updates the run; `epochMs` is `at` as Unix time in ms. */
  readonly apply: (run: RunState, epochMs: number) => RunEvent["payload"];
  /** The step ends the run, so the stream sends `[DONE]` after its event. */
  readonly terminal?: boolean;
}

/** The deployment services that the executor of a run uses. */
export interface RunClock {
  readonly store: MockStore;
  readonly scheduler: TimingScheduler;
  readonly logger: Logger;
  /** Converts a planned time on the `performance.now()` clock into Unix time in ms. */
  readonly toEpochMs: (at: number) => number;
}

/**
 * Plays the steps of a run at their planned times and publishes each step's event. Stops at the
 * first terminal step, or when the run is cancelled.
 */
export async function executeRun(clock: RunClock, run: RunState, steps: readonly RunStep[]): Promise<void> {
  const signal = run.cancellation.signal;
  try {
    for (const step of steps) {
      if (!(await clock.scheduler.waitUntil(step.at, signal))) return;
      if (isTerminal(run.status)) return;
      const epochMs = clock.toEpochMs(step.at);
      const payload = step.apply(run, epochMs);
      touchRun(clock.store, run, epochMs);
      publishRunEvent(run, { at: step.at, payload }, step.terminal === true);
      if (step.terminal === true) return;
    }
  } catch (error) {
    clock.logger.error(
      { err: error, runId: run.runId },
      "a workflow run of the mock failed; the run stays in its last state",
    );
  }
}

/** Sends `event` to the run's stream subscribers; a terminal event is kept for later subscribers. */
export function publishRunEvent(run: RunState, event: RunEvent, terminal: boolean): void {
  if (terminal) run.terminalEvent = event;
  for (const subscriber of [...run.subscribers]) subscriber(event);
  if (terminal) run.subscribers.clear();
}

/**
 * Cancels a queued or running run at `at` (ms on the `performance.now()` clock). Marks the run and
 * its unfinished steps cancelled, records the usage of the steps that were streaming, stops the
 * executor and publishes `workflow_cancelled`. Returns false, and changes nothing, when the run
 * had already ended.
 */
export function cancelRun(clock: RunClock, run: RunState, at: number): boolean {
  if (isTerminal(run.status)) return false;
  const epochMs = clock.toEpochMs(at);
  run.status = "cancelled";
  run.phase = "cancelled";
  run.cancelledAt = epochMs;
  for (const helper of run.helpers) {
    if (helper.status === "running") {
      recordStepUsage(
        clock,
        run,
        helper,
        { chatId: helper.chatId, modelName: helper.agent.modelName },
        epochMs,
        CANCELLED,
      );
    }
    if (helper.status === "queued" || helper.status === "running") helper.status = "cancelled";
  }
  const main = run.main;
  if (main.status === "running" && main.agent !== undefined) {
    recordStepUsage(
      clock,
      run,
      main,
      { chatId: main.chatId, modelName: main.agent.modelName },
      epochMs,
      CANCELLED,
    );
    main.status = "cancelled";
  }
  run.cancellation.abort();
  touchRun(clock.store, run, epochMs);
  publishRunEvent(run, { at, payload: { type: "workflow_cancelled", runId: run.runId } }, true);
  return true;
}

/** Records the usage row of one agent step of a run, ending at `endEpochMs`. */
export function recordStepUsage(
  clock: RunClock,
  run: RunState,
  step: StepState,
  call: { readonly chatId: string; readonly modelName: string },
  endEpochMs: number,
  error?: string,
): void {
  recordUsage(clock.store, run.owner, {
    chatId: call.chatId,
    modelName: call.modelName,
    inputTokens: step.promptTokens,
    outputTokens: step.outputTokens,
    startTime: step.startedAt ?? endEpochMs,
    endTime: endEpochMs,
    tools: false,
    ...(error === undefined ? {} : { error }),
  });
}
