import { defineAccountSlot, type Account, type MockStore } from "../../store.ts";

export type WorkflowRunStatus = "queued" | "running" | "completed" | "error" | "cancelled";
export type RunPhase = "queued" | "helpers" | "main" | "completed" | "error" | "cancelled";

/** Token counts in the camelCase form of the run records. */
export interface TokenUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly totalTokens: number;
}

/** The agent of one run step, as the run record names it. */
export interface StepAgent {
  readonly ref: string;
  readonly id: string;
  readonly name: string;
  readonly username: string;
  readonly slug: string;
  /** Name of the owner's model the agent runs on, for usage rows. */
  readonly modelName: string;
}

/** Progress of one agent step (a helper or the main agent), updated as its events play. */
export interface StepState {
  status: WorkflowRunStatus | "pending";
  startedAt?: number;
  completedAt?: number;
  errorMessage?: string;
  usage: TokenUsage | null;
  /** Tokens of the step's input, billed when the step ends. */
  promptTokens: number;
  /** Output streamed so far. */
  output: string;
  /** Output tokens streamed so far. */
  outputTokens: number;
}

export interface HelperState extends StepState {
  readonly helperRunId: string;
  readonly patternIndex: number;
  readonly agent: StepAgent;
  readonly sessionId: string;
  readonly chatId: string;
  readonly resolvedInput: string;
}

export interface MainState extends StepState {
  readonly sessionId: string;
  readonly chatId: string;
  /** Undefined when the run failed before its main agent resolved. */
  readonly agent: StepAgent | undefined;
  /** The prompt sent to the main agent; set when the main step starts. */
  prompt: string;
}

/** A payload of the run stream, with the planned time it was produced at. */
export interface RunEvent {
  readonly at: number;
  readonly payload: Readonly<Record<string, unknown>> & { readonly type: string };
}

/** A workflow run of one account: its progress and the live subscribers of its stream. */
export interface RunState {
  readonly runId: string;
  readonly workflowConfigId: string | null;
  readonly factoryRunId?: string;
  readonly owner: Account;
  readonly workflowNameSnapshot: string;
  status: WorkflowRunStatus;
  phase: RunPhase;
  readonly startedAt: number;
  completedAt?: number;
  cancelledAt?: number;
  errorMessage?: string;
  /** Empty until the run starts; then one entry per helper token of the prompt. */
  helpers: HelperState[];
  main: MainState;
  readonly createdAt: number;
  updatedAt: number;
  /** Write counter that orders runs updated in the same millisecond. */
  revision: number;
  /** The last event, once the run ended: `workflow_completed`, `workflow_cancelled` or `error`. */
  terminalEvent?: RunEvent;
  readonly subscribers: Set<(event: RunEvent) => void>;
  /** Aborted when the run is cancelled, which stops its executor. */
  readonly cancellation: AbortController;
}

interface RunStore {
  readonly runs: Map<string, RunState>;
  revision: number;
}

/**
 * Runs kept per account. A benchmark may start many runs, so past this count the oldest finished
 * runs are dropped.
 */
export const MAX_RUNS_PER_ACCOUNT = 10_000;

const WORKFLOW_RUNS = defineAccountSlot<RunStore>("workflow-runs", () => ({ runs: new Map(), revision: 0 }));

export function isTerminal(status: WorkflowRunStatus): boolean {
  return status === "completed" || status === "error" || status === "cancelled";
}

/** Adds a run to its owner's runs, dropping the oldest finished runs past `MAX_RUNS_PER_ACCOUNT`. */
export function addRun(store: MockStore, run: RunState): void {
  const slot = store.slot(run.owner, WORKFLOW_RUNS);
  slot.runs.set(run.runId, run);
  touchRun(store, run, run.updatedAt);
  if (slot.runs.size <= MAX_RUNS_PER_ACCOUNT) return;
  for (const [runId, candidate] of slot.runs) {
    if (slot.runs.size <= MAX_RUNS_PER_ACCOUNT) break;
    if (isTerminal(candidate.status)) slot.runs.delete(runId);
  }
}

/** Records a change of `run` at `now` (Unix ms), which moves it to the front of the run lists. */
export function touchRun(store: MockStore, run: RunState, now: number): void {
  const slot = store.slot(run.owner, WORKFLOW_RUNS);
  slot.revision += 1;
  run.revision = slot.revision;
  run.updatedAt = Math.max(run.updatedAt, now);
}

export function findRun(store: MockStore, account: Account, runId: string): RunState | undefined {
  return store.slot(account, WORKFLOW_RUNS).runs.get(runId);
}

/** Finds a run in any account; only a fault that breaks namespacing uses it. */
export function findRunInAnyAccount(store: MockStore, runId: string): RunState | undefined {
  for (const account of store.accounts()) {
    const run = findRun(store, account, runId);
    if (run !== undefined) return run;
  }
  return undefined;
}

/** Lists the runs of one config, most recently updated first. */
export function listConfigRuns(store: MockStore, account: Account, configId: string): RunState[] {
  return [...store.slot(account, WORKFLOW_RUNS).runs.values()]
    .filter((run) => run.workflowConfigId === configId)
    .sort((a, b) => b.updatedAt - a.updatedAt || b.revision - a.revision);
}

export function addUsage(a: TokenUsage | null, b: TokenUsage | null): TokenUsage | null {
  if (a === null) return b;
  if (b === null) return a;
  return {
    promptTokens: a.promptTokens + b.promptTokens,
    completionTokens: a.completionTokens + b.completionTokens,
    totalTokens: a.totalTokens + b.totalTokens,
  };
}

/** Token usage summed over the steps that reported usage; null before any did. */
export function aggregateUsage(run: RunState): TokenUsage | null {
  return [...run.helpers, run.main].reduce<TokenUsage | null>((sum, step) => addUsage(sum, step.usage), null);
}
