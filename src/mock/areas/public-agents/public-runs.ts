import type { OperationContext } from "../../area.ts";
import { registerCancellableWork } from "../../cancellable-sessions.ts";
import { jsonResponse, type MockResponse, type SseFrame } from "../../mock-response.ts";
import { defineAccountSlot, type Account, type MockStore } from "../../store.ts";
import type { AddressedAgent } from "../agents/agent-access.ts";
import type { SpeechObserver, SpeechOutcome, SpeechUsage } from "../agents/agent-speech.ts";
import { PUBLIC_AGENT_FAULTS } from "./public-agent-faults.ts";

export type RunStatus = "queued" | "running" | "completed" | "error" | "cancelled";

/** A progress event of a run, as the run stream sends it. */
type RunEvent = Record<string, unknown> & { readonly type: string };

/** The run behind one public agent chat or speak request. */
export interface PublicRun {
  readonly runId: string;
  /** The account that started the run. */
  readonly viewer: Account;
  /** The owner of the agent, whose model and config the run uses. */
  readonly owner: Account;
  readonly agentName: string;
  status: RunStatus;
  readonly startedAt: number;
  completedAt: number | undefined;
  cancelledAt: number | undefined;
  errorMessage: string | undefined;
  aggregateUsage: SpeechUsage | null;
  updatedAt: number;
  /** Aborted by a cancel, so that the stream of the run stops at its next step. */
  readonly canceller: AbortController;
  readonly listeners: Set<(event: RunEvent) => void>;
}

/**
 * Runs kept per account. Every public chat and speak request starts a run, so the oldest runs
 * are dropped past this count to keep memory bounded under load.
 */
export const MAX_RUNS_PER_ACCOUNT = 1000;

const PUBLIC_RUNS = defineAccountSlot("public-runs", () => new Map<string, PublicRun>());

const TERMINAL: ReadonlySet<RunStatus> = new Set(["completed", "error", "cancelled"]);

/**
 * Starts the run of a public agent request in the caller's namespace. A `sessionId` makes the run
 * cancellable through `POST /v1/chat/cancel` too.
 */
export function startRun(
  context: OperationContext,
  addressed: AddressedAgent,
  sessionId: string | undefined,
): PublicRun {
  const now = context.request.receivedAtEpochMs;
  const run: PublicRun = {
    runId: context.store.nextId("run"),
    viewer: context.account,
    owner: addressed.owner,
    agentName: addressed.agent.config.name,
    status: "running",
    startedAt: now,
    completedAt: undefined,
    cancelledAt: undefined,
    errorMessage: undefined,
    aggregateUsage: null,
    updatedAt: now,
    canceller: new AbortController(),
    listeners: new Set(),
  };
  const runs = context.store.slot(context.account, PUBLIC_RUNS);
  runs.set(run.runId, run);
  if (runs.size > MAX_RUNS_PER_ACCOUNT) {
    const oldest = runs.keys().next().value;
    if (oldest !== undefined) runs.delete(oldest);
  }
  if (sessionId !== undefined) {
    const unregister = registerCancellableWork(context.store, context.account, {
      sessionId,
      runId: run.runId,
      cancel: () => cancelRun(run),
    });
    run.listeners.add((event) => {
      if (isTerminalEvent(event)) unregister();
    });
  }
  return run;
}

function emit(run: PublicRun, event: RunEvent): void {
  for (const listener of [...run.listeners]) listener(event);
}

function isTerminalEvent(event: RunEvent): boolean {
  return event.type === "workflow_completed" || event.type === "workflow_cancelled" || event.type === "error";
}

function terminalEvent(run: PublicRun): RunEvent {
  if (run.status === "cancelled")
    return { type: "workflow_cancelled", runId: run.runId, status: "cancelled" };
  if (run.status === "error") return { type: "error", message: run.errorMessage ?? "The run failed." };
  return {
    type: "workflow_completed",
    runId: run.runId,
    status: "completed",
    aggregateUsage: run.aggregateUsage,
  };
}

/** Ends a live run as cancelled and returns true. A finished run stays as it is. */
function cancelRun(run: PublicRun): boolean {
  if (TERMINAL.has(run.status)) return false;
  const now = Date.now();
  run.status = "cancelled";
  run.cancelledAt = now;
  run.updatedAt = now;
  run.canceller.abort();
  emit(run, terminalEvent(run));
  return true;
}

/** Creates the observer that moves the run along with its chat or speak stream. */
export function runObserver(run: PublicRun): SpeechObserver {
  return {
    onDelta(text) {
      if (run.status !== "running") return;
      run.updatedAt = Date.now();
      emit(run, { type: "main_content_delta", runId: run.runId, delta: text });
    },
    onEnd(outcome: SpeechOutcome) {
      if (TERMINAL.has(run.status)) return;
      const now = Date.now();
      run.aggregateUsage = outcome.usage;
      run.updatedAt = now;
      if (outcome.status === "cancelled") {
        cancelRun(run);
        return;
      }
      run.status = outcome.status;
      if (outcome.status === "completed") run.completedAt = now;
      else run.errorMessage = outcome.errorMessage ?? "The run failed.";
      emit(run, { type: "main_usage", runId: run.runId, aggregateUsage: outcome.usage });
      emit(run, terminalEvent(run));
    },
  };
}

/** Builds the `PublicRunRecord` of a run. */
function runView(run: PublicRun): Record<string, unknown> {
  return {
    runId: run.runId,
    status: run.status,
    ownerUserId: run.owner.id,
    workflowConfigId: null,
    workflowNameSnapshot: run.agentName,
    startedAt: run.startedAt,
    ...(run.completedAt === undefined ? {} : { completedAt: run.completedAt }),
    ...(run.cancelledAt === undefined ? {} : { cancelledAt: run.cancelledAt }),
    ...(run.errorMessage === undefined ? {} : { errorMessage: run.errorMessage }),
    aggregateUsage: run.aggregateUsage,
    createdAt: run.startedAt,
    updatedAt: run.updatedAt,
  };
}

function findRun(store: MockStore, runId: string): PublicRun | undefined {
  for (const account of store.accounts()) {
    const run = store.slot(account, PUBLIC_RUNS).get(runId);
    if (run !== undefined) return run;
  }
  return undefined;
}

/**
 * Finds the run of a run route: 404 for an unknown id, 403 unless the caller started the run or
 * owns its agent. A blank id gets 400 on the cancel route, the only one that documents it.
 */
function runOfRoute(context: OperationContext): PublicRun | MockResponse {
  const runId = context.request.params["runId"] ?? "";
  if (runId.trim() === "" && context.operation.statuses.has(400)) {
    return context.error(400, "runId is blank; send the id from the X-Run-Id header of the stream.");
  }
  const run = findRun(context.store, runId);
  if (run === undefined) return context.error(404, `No run has the id ${runId}.`);
  const allowed = run.viewer === context.account || run.owner === context.account;
  if (!allowed && !context.faults.has(PUBLIC_AGENT_FAULTS.runVisibleToOthers)) {
    return context.error(403, "Only the account that started the run or the agent's owner may see it.", {
      code: "OWNER_OR_SHARED_ONLY",
    });
  }
  return run;
}

function isRun(value: PublicRun | MockResponse): value is PublicRun {
  return "runId" in value;
}

export function getPublicRun(context: OperationContext): MockResponse {
  const run = runOfRoute(context);
  if (!isRun(run)) return run;
  return jsonResponse(200, { success: true, data: runView(run) });
}

export function cancelPublicRun(context: OperationContext): MockResponse {
  const run = runOfRoute(context);
  if (!isRun(run)) return run;
  const cancelled = cancelRun(run);
  return jsonResponse(200, {
    success: true,
    found: true,
    cancelled,
    alreadyCancelled: !cancelled && run.status === "cancelled",
  });
}

/**
 * Streams a run: a `snapshot` of its state first, then its progress events as they happen, and
 * `[DONE]` after the completion, cancellation or error event. A finished run gets its snapshot,
 * its final event and `[DONE]` at once.
 */
export function streamPublicRun(context: OperationContext): MockResponse {
  const found = runOfRoute(context);
  if (!isRun(found)) return found;
  const run = found;

  async function* frames(signal: AbortSignal): AsyncGenerator<SseFrame> {
    const queue: RunEvent[] = [];
    let wake: (() => void) | undefined;
    const listener = (event: RunEvent): void => {
      queue.push(event);
      wake?.();
    };
    const onAbort = (): void => wake?.();
    // Listen before the snapshot, so no event falls between the two.
    run.listeners.add(listener);
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      yield { data: { type: "snapshot", record: runView(run) } };
      if (TERMINAL.has(run.status)) {
        yield { data: terminalEvent(run) };
        yield { data: "[DONE]" };
        return;
      }
      while (!signal.aborted) {
        const event = queue.shift();
        if (event === undefined) {
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          wake = undefined;
          continue;
        }
        yield { data: event };
        if (isTerminalEvent(event)) {
          yield { data: "[DONE]" };
          return;
        }
      }
    } finally {
      run.listeners.delete(listener);
      signal.removeEventListener("abort", onAbort);
    }
  }
  return { kind: "sse", status: 200, frames };
}
