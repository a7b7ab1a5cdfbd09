import type { JsonObject } from "../../request-fields.ts";
import { RunEventLog } from "../../run-event-log.ts";
import { defineAccountSlot, type Account, type MockStore } from "../../store.ts";
import type { RunState as WorkflowRunState } from "../workflows/run-records.ts";
import type { FactoryConfigRecord } from "./factory-configs.ts";

export type FactoryRunStatus = "queued" | "running" | "paused" | "completed" | "cancelled" | "error";
export type FactoryStepRunStatus = "queued" | "running" | "completed" | "error" | "cancelled" | "skipped";

export interface TokenUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly totalTokens: number;
}

/** A `FactoryRunRecord`, changed in place as the run moves on. */
export interface FactoryRunRecord {
  readonly runId: string;
  readonly factoryConfigId: string | null;
  readonly ownerUserId: string;
  readonly factoryNameSnapshot: string;
  readonly configSnapshot: FactoryConfigRecord;
  readonly trigger: "manual" | "scheduler";
  readonly scheduleId?: string;
  status: FactoryRunStatus;
  cursor: { nextStepIndex: number | null; iterationCount: number; completedCycleCount: number };
  carryPayload: string;
  aggregateUsage: TokenUsage | null;
  perStepInvocationCounts: Record<string, number>;
  readonly startedAt: number;
  completedAt?: number;
  cancelledAt?: number;
  pausedAt?: number;
  errorMessage?: string;
  readonly createdAt: number;
  updatedAt: number;
}

/** A `FactoryStepRunRecord`, changed in place while the step runs. */
export interface FactoryStepRunRecord {
  readonly stepRunId: string;
  readonly runId: string;
  readonly ownerUserId: string;
  readonly factoryConfigId: string;
  readonly stepId: string;
  readonly stepIndex: number;
  readonly stepName: string;
  readonly sequence: number;
  readonly kind: "agent" | "workflow";
  invoked: JsonObject;
  readonly triggeredBy: "manual_start" | "previous_step_output" | "loopback" | "scheduler";
  readonly upstreamStepRunId: string | null;
  readonly input: string;
  output: string;
  workflowDataPayloadIn: string | null;
  workflowRunId?: string;
  chatId?: string;
  validation?: {
    schemaPresent: boolean;
    initialOutcome: "pass" | "fail" | "not_applicable";
    repairAttempts: number;
    finalOutcome: "pass" | "fail";
    errors?: { path: string; message: string }[];
  };
  status: FactoryStepRunStatus;
  readonly startedAt: number;
  completedAt?: number;
  errorMessage?: string;
  usage: TokenUsage | null;
  readonly toolEvents: unknown[];
  readonly createdAt: number;
  updatedAt: number;
}

/** The transcript a step produced, for the hydrated view. */
export type StepTranscript =
  | { readonly kind: "agent"; readonly chatSession: JsonObject }
  | { readonly kind: "workflow"; readonly workflowRun: WorkflowRunState };

export interface FactoryStepRunState {
  readonly record: FactoryStepRunRecord;
  transcript?: StepTranscript;
}

/** A run with its step runs, event log and the controls of its executor. */
export interface FactoryRunState {
  readonly owner: Account;
  readonly record: FactoryRunRecord;
  readonly steps: FactoryStepRunState[];
  readonly log: RunEventLog<JsonObject>;
  /** Aborted by a cancel, which stops the executor's waits. */
  readonly canceller: AbortController;
  /** Resolves the executor's wait for a resume while the run is paused. */
  resume?: () => void;
  /** Cancels the inner workflow run of the step in progress, if any. */
  cancelInner?: () => void;
}

/** Each account's factory runs by id, oldest first. */
export const FACTORY_RUNS = defineAccountSlot("factory-runs", () => new Map<string, FactoryRunState>());

/** Runs kept per account; past this count the oldest finished runs are dropped. */
export const MAX_FACTORY_RUNS = 1000;

/**
 * The account limit `maxConcurrentFactoryRuns`: runs that are queued, running or paused.
 * NOTE: the reference pages name the limit but not its value; 5 is an estimate.
 */
export const MAX_CONCURRENT_FACTORY_RUNS = 5;

export function isTerminal(status: FactoryRunStatus): boolean {
  return status === "completed" || status === "cancelled" || status === "error";
}

export function findFactoryRun(
  store: MockStore,
  account: Account,
  runId: string,
): FactoryRunState | undefined {
  return store.slot(account, FACTORY_RUNS).get(runId);
}

export function activeRunCount(store: MockStore, account: Account): number {
  let count = 0;
  for (const run of store.slot(account, FACTORY_RUNS).values())
    if (!isTerminal(run.record.status)) count += 1;
  return count;
}

export function addFactoryRun(store: MockStore, run: FactoryRunState): void {
  const runs = store.slot(run.owner, FACTORY_RUNS);
  runs.set(run.record.runId, run);
  if (runs.size <= MAX_FACTORY_RUNS) return;
  for (const [runId, candidate] of runs) {
    if (isTerminal(candidate.record.status)) {
      runs.delete(runId);
      return;
    }
  }
}

/** Returns a copy of a record for a response or an event, so later changes do not leak into it. */
export function snapshot<T>(record: T): JsonObject {
  return structuredClone(record) as unknown as JsonObject;
}

export function addUsage(total: TokenUsage | null, usage: TokenUsage | null): TokenUsage | null {
  if (usage === null) return total;
  if (total === null) return { ...usage };
  return {
    promptTokens: total.promptTokens + usage.promptTokens,
    completionTokens: total.completionTokens + usage.completionTokens,
    totalTokens: total.totalTokens + usage.totalTokens,
  };
}

/** Reads a `limit`/`offset` pair of query parameters; the limit is clamped to 1-100 as documented. */
export function pageOf(query: URLSearchParams, defaultLimit: number): { limit: number; offset: number } {
  const limitValue = Number.parseInt(query.get("limit") ?? "", 10);
  const offsetValue = Number.parseInt(query.get("offset") ?? "", 10);
  const limit = Number.isNaN(limitValue) ? defaultLimit : Math.min(100, Math.max(1, limitValue));
  const offset = Number.isNaN(offsetValue) ? 0 : Math.max(0, offsetValue);
  return { limit, offset };
}
