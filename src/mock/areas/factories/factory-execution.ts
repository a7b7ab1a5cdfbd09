import type { Logger } from "../../../log/logger.ts";
import type { JsonObject } from "../../request-fields.ts";
import { RunEventLog } from "../../run-event-log.ts";
import type { Account, MockStore } from "../../store.ts";
import type { TimingPlanner } from "../../timing-planner.ts";
import type { TimingScheduler } from "../../timing-scheduler.ts";
import type { FactoryConfigRecord, FactoryStepConfig } from "./factory-configs.ts";
import {
  addFactoryRun,
  addUsage,
  isTerminal,
  type FactoryRunState,
  type FactoryStepRunRecord,
  type FactoryStepRunState,
} from "./factory-runs.ts";
import { runAgentStep, runWorkflowStep, type StepOutcome } from "./factory-steps.ts";

/** The deployment services a factory run uses after the response to the request that started it. */
export interface FactoryServices {
  readonly store: MockStore;
  readonly timing: TimingPlanner;
  readonly scheduler: TimingScheduler;
  readonly logger: Logger;
}

/** The start of a run: who starts it, with what payload, and when it leaves `queued`. */
export interface FactoryRunStart {
  readonly owner: Account;
  readonly config: FactoryConfigRecord;
  readonly carryPayload: string;
  readonly trigger: { readonly kind: "manual" } | { readonly kind: "scheduler"; readonly scheduleId: string };
  /** Planned time the run starts, on the `performance.now()` clock. */
  readonly startAt: number;
  readonly nowEpochMs: number;
}

/** Everything a step needs while it runs. */
export interface StepContext {
  readonly services: FactoryServices;
  readonly run: FactoryRunState;
  readonly step: FactoryStepConfig;
  readonly stepRun: FactoryStepRunState;
  /** Planned start of the step. */
  readonly startAt: number;
  /** Appends an event to the run's log at planned time `at`. */
  readonly emit: (event: JsonObject, at: number) => void;
  readonly toEpochMs: (at: number) => number;
}

/** Creates a queued run of `start.config` and starts executing it in the background. */
export function startFactoryRun(services: FactoryServices, start: FactoryRunStart): FactoryRunState {
  const { config, owner, nowEpochMs } = start;
  const run: FactoryRunState = {
    owner,
    record: {
      runId: services.store.nextId("fac_run"),
      factoryConfigId: config.id,
      ownerUserId: owner.id,
      factoryNameSnapshot: config.name,
      configSnapshot: structuredClone(config) as FactoryConfigRecord,
      trigger: start.trigger.kind,
      ...(start.trigger.kind === "scheduler" ? { scheduleId: start.trigger.scheduleId } : {}),
      status: "queued",
      cursor: { nextStepIndex: 0, iterationCount: 0, completedCycleCount: 0 },
      carryPayload: start.carryPayload,
      aggregateUsage: null,
      perStepInvocationCounts: {},
      startedAt: nowEpochMs,
      createdAt: nowEpochMs,
      updatedAt: nowEpochMs,
    },
    steps: [],
    log: new RunEventLog(),
    canceller: new AbortController(),
  };
  addFactoryRun(services.store, run);

  const origin = { at: services.scheduler.now(), epochMs: nowEpochMs };
  const toEpochMs = (at: number): number => Math.round(origin.epochMs + (at - origin.at));
  execute(services, run, start, toEpochMs).catch((error: unknown) => {
    services.logger.error(
      { err: error, runId: run.record.runId },
      "a factory run of the mock failed; the run is marked as error",
    );
    failRun(run, "The mock failed while running the factory.", services.scheduler.now(), toEpochMs);
  });
  return run;
}

/**
 * Runs the steps of a factory on the timing scheduler: each step reads the carry payload and
 * replaces it with its output, and its transition moves the cursor. The run stops at the end of
 * the steps, at a `stop` transition, at an invocation cap, on a failure, or when cancelled. A
 * pause takes effect between steps.
 */
async function execute(
  services: FactoryServices,
  run: FactoryRunState,
  start: FactoryRunStart,
  toEpochMs: (at: number) => number,
): Promise<void> {
  const { record, canceller } = run;
  const config = record.configSnapshot;
  const signal = canceller.signal;
  const emit = (event: JsonObject, at: number): void => {
    record.updatedAt = Math.max(record.updatedAt, toEpochMs(at));
    run.log.append(event, at);
  };

  if (!(await services.scheduler.waitUntil(start.startAt, signal))) return;
  if (!(await waitWhilePaused(run))) return;
  record.status = "running";
  emit({ type: "run_started", runId: record.runId, factoryConfigId: record.factoryConfigId }, start.startAt);

  let at = Math.max(start.startAt, services.scheduler.now());
  let triggeredBy: FactoryStepRunRecord["triggeredBy"] =
    start.trigger.kind === "scheduler" ? "scheduler" : "manual_start";
  let upstream: string | null = null;
  while (record.cursor.nextStepIndex !== null) {
    // Even with a zero timing model, a long looping factory must not block the event loop.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (!(await waitWhilePaused(run)) || isTerminal(record.status)) return;
    at = Math.max(at, services.scheduler.now());
    const step = config.steps[record.cursor.nextStepIndex] as FactoryStepConfig;

    const cap = invocationCap(run, step);
    if (cap !== undefined) {
      completeRun(run, cap, at, toEpochMs);
      return;
    }
    record.perStepInvocationCounts[step.stepId] = (record.perStepInvocationCounts[step.stepId] ?? 0) + 1;
    record.cursor.iterationCount += 1;

    const stepRun = createStepRun(services, run, step, triggeredBy, upstream, toEpochMs(at));
    const stepContext: StepContext = { services, run, step, stepRun, startAt: at, emit, toEpochMs };
    const outcome: StepOutcome =
      step.kind === "agent" ? await runAgentStep(stepContext) : await runWorkflowStep(stepContext);
    if (outcome.kind === "cancelled" || isTerminal(record.status)) return;
    if (outcome.kind === "failed") {
      failStep(stepContext, outcome.message, outcome.at);
      failRun(
        run,
        `Factory step ${step.index} (${step.name}) failed: ${outcome.message}`,
        outcome.at,
        toEpochMs,
      );
      return;
    }

    at = outcome.at;
    record.carryPayload = outcome.output;
    record.aggregateUsage = addUsage(record.aggregateUsage, outcome.usage);
    upstream = stepRun.record.stepRunId;
    triggeredBy = step.transition.kind === "loop_to_index" ? "loopback" : "previous_step_output";
    record.cursor.nextStepIndex = nextStepIndex(step, config.steps.length);
    if (step.transition.kind === "loop_to_index") record.cursor.completedCycleCount += 1;
    record.updatedAt = Math.max(record.updatedAt, toEpochMs(at));
  }
  completeRun(run, "run_completed", at, toEpochMs);
}

/** Returns the cap event that ends the run before `step` would run again, or undefined when it may run. */
function invocationCap(
  run: FactoryRunState,
  step: FactoryStepConfig,
): "run_completed_step_cap" | "run_completed_at_cap" | undefined {
  const { record } = run;
  const config = record.configSnapshot;
  if ((record.perStepInvocationCounts[step.stepId] ?? 0) >= step.maxStepInvocations)
    return "run_completed_step_cap";
  if (config.limitTotalInvocations && record.cursor.iterationCount >= config.maxTotalInvocations)
    return "run_completed_at_cap";
  return undefined;
}

function nextStepIndex(step: FactoryStepConfig, count: number): number | null {
  const transition = step.transition;
  if (transition.kind === "stop") return null;
  if (transition.kind === "loop_to_index") return transition.targetIndex;
  return step.index + 1 < count ? step.index + 1 : null;
}

function createStepRun(
  services: FactoryServices,
  run: FactoryRunState,
  step: FactoryStepConfig,
  triggeredBy: FactoryStepRunRecord["triggeredBy"],
  upstream: string | null,
  nowEpochMs: number,
): FactoryStepRunState {
  const record: FactoryStepRunRecord = {
    stepRunId: services.store.nextId("fsr"),
    runId: run.record.runId,
    ownerUserId: run.owner.id,
    factoryConfigId: run.record.factoryConfigId ?? "",
    stepId: step.stepId,
    stepIndex: step.index,
    stepName: step.name,
    sequence: run.steps.length,
    kind: step.kind,
    invoked:
      step.kind === "agent"
        ? { kind: "agent", agentRef: step.agentRef?.agentRef ?? "" }
        : { kind: "workflow", workflowConfigId: step.workflowRef?.workflowConfigId ?? "" },
    triggeredBy,
    upstreamStepRunId: upstream,
    input: run.record.carryPayload,
    output: "",
    workflowDataPayloadIn: null,
    status: "running",
    startedAt: nowEpochMs,
    usage: null,
    toolEvents: [],
    createdAt: nowEpochMs,
    updatedAt: nowEpochMs,
  };
  const state: FactoryStepRunState = { record };
  run.steps.push(state);
  return state;
}

/** Waits while the run is paused; returns false when the run was cancelled meanwhile. */
async function waitWhilePaused(run: FactoryRunState): Promise<boolean> {
  const signal = run.canceller.signal;
  while (run.record.status === "paused" && !signal.aborted) {
    await new Promise<void>((resolve) => {
      run.resume = resolve;
      signal.addEventListener("abort", () => resolve(), { once: true });
    });
  }
  delete run.resume;
  return !signal.aborted;
}

function failStep(step: StepContext, message: string, at: number): void {
  const record = step.stepRun.record;
  record.status = "error";
  record.errorMessage = message;
  record.completedAt = step.toEpochMs(at);
  record.updatedAt = record.completedAt;
  step.emit({ type: "step_error", stepRunId: record.stepRunId, message }, at);
}

function completeRun(
  run: FactoryRunState,
  type: "run_completed" | "run_completed_at_cap" | "run_completed_step_cap",
  at: number,
  toEpochMs: (at: number) => number,
): void {
  const { record } = run;
  record.status = "completed";
  record.cursor.nextStepIndex = null;
  record.completedAt = toEpochMs(at);
  record.updatedAt = Math.max(record.updatedAt, record.completedAt);
  run.log.append(
    { type, aggregateUsage: record.aggregateUsage === null ? null : { ...record.aggregateUsage } },
    at,
  );
  run.log.end();
}

function failRun(run: FactoryRunState, message: string, at: number, toEpochMs: (at: number) => number): void {
  const { record } = run;
  if (isTerminal(record.status)) return;
  record.status = "error";
  record.errorMessage = message;
  record.updatedAt = Math.max(record.updatedAt, toEpochMs(at));
  run.log.append({ type: "run_error", message }, at);
  run.log.end();
}

/** Pauses a run that has not ended. Returns false, changing nothing, for a run that ended or is paused. */
export function pauseFactoryRun(run: FactoryRunState, nowEpochMs: number): boolean {
  const { record } = run;
  if (isTerminal(record.status) || record.status === "paused") return false;
  record.status = "paused";
  record.pausedAt = nowEpochMs;
  record.updatedAt = Math.max(record.updatedAt, nowEpochMs);
  run.log.append({ type: "run_paused" });
  return true;
}

/** Resumes a paused run. Returns false, changing nothing, for a run that is not paused. */
export function resumeFactoryRun(run: FactoryRunState, nowEpochMs: number): boolean {
  const { record } = run;
  if (record.status !== "paused") return false;
  record.status = "running";
  record.updatedAt = Math.max(record.updatedAt, nowEpochMs);
  run.resume?.();
  return true;
}

/** The documented outcome of a cancellation: `CancelResult`. */
export interface CancelOutcome {
  readonly success: true;
  readonly found: true;
  readonly cancelled: boolean;
  readonly alreadyCancelled: boolean;
}

/** Cancels a run that has not ended: its running step and inner workflow run stop too. */
export function cancelFactoryRun(run: FactoryRunState, nowEpochMs: number): CancelOutcome {
  const { record } = run;
  if (record.status === "cancelled")
    return { success: true, found: true, cancelled: false, alreadyCancelled: true };
  if (isTerminal(record.status))
    return { success: true, found: true, cancelled: false, alreadyCancelled: false };
  record.status = "cancelled";
  record.cancelledAt = nowEpochMs;
  record.updatedAt = Math.max(record.updatedAt, nowEpochMs);
  for (const step of run.steps) {
    if (step.record.status === "running" || step.record.status === "queued") {
      step.record.status = "cancelled";
      step.record.updatedAt = nowEpochMs;
    }
  }
  run.cancelInner?.();
  run.canceller.abort();
  run.log.append({ type: "run_cancelled" });
  run.log.end();
  return { success: true, found: true, cancelled: true, alreadyCancelled: false };
}
