import type { OperationContext } from "../../area.ts";
import type { JsonObject } from "../../request-fields.ts";
import { RunEventLog } from "../../run-event-log.ts";
import { defineAccountSlot, type Account, type MockStore } from "../../store.ts";
import { recordUsage } from "../../usage-recording.ts";
import type { AnalysisPlan, VideoSource } from "./video-analysis.ts";
import type { GenericVideoPrompt, VideoOptions, VideoRunKind } from "./video-requests.ts";

export type VideoRunStatus = "queued" | "running" | "completed" | "error" | "cancelled";

/** A `VideoProcessingRunRecord`, changed in place as the run moves on. */
export interface VideoRunRecord {
  readonly runId: string;
  readonly ownerUserId: string;
  readonly kind: VideoRunKind;
  readonly source: VideoSource;
  readonly modelName: string;
  status: VideoRunStatus;
  readonly requestSummary: {
    readonly model: string;
    readonly source: VideoSource;
    readonly options?: VideoOptions;
    readonly prompt?: GenericVideoPrompt;
  };
  result?: JsonObject;
  partialResult?: JsonObject;
  errorMessage?: string;
  errorStage?: string;
  failedBatchIndex?: number;
  attemptCount?: number;
  readonly createdAt: number;
  updatedAt: number;
  startedAt?: number;
  completedAt?: number;
  cancelledAt?: number;
}

/** A run with its event log and the switch that cancels it. */
export interface VideoRunState {
  readonly record: VideoRunRecord;
  readonly log: RunEventLog<JsonObject>;
  readonly canceller: AbortController;
}

/** Each account's video runs by id, oldest first. */
export const VIDEO_RUNS = defineAccountSlot("video-runs", () => new Map<string, VideoRunState>());

/** Runs kept per account; the oldest finished runs are dropped past this count. */
export const MAX_VIDEO_RUNS = 1000;

export const CANCELLED_MESSAGE = "Video processing run cancelled.";

export function isTerminal(status: VideoRunStatus): boolean {
  return status === "completed" || status === "error" || status === "cancelled";
}

/** Returns a copy of the record for a response, so later changes do not leak into it. */
export function recordView(record: VideoRunRecord): JsonObject {
  return structuredClone(record) as unknown as JsonObject;
}

/** Creates a queued run and starts executing it in the background. */
export function startVideoRun(
  context: OperationContext,
  kind: VideoRunKind,
  summary: VideoRunRecord["requestSummary"],
  plan: AnalysisPlan,
): VideoRunState {
  const now = context.request.receivedAtEpochMs;
  const record: VideoRunRecord = {
    runId: context.store.nextId("vid_run"),
    ownerUserId: context.account.id,
    kind,
    source: summary.source,
    modelName: summary.model,
    status: "queued",
    requestSummary: summary,
    createdAt: now,
    updatedAt: now,
  };
  const state: VideoRunState = { record, log: new RunEventLog(), canceller: new AbortController() };
  addRun(context.store, context.account, state);
  execute(context, state, plan).catch((error: unknown) => {
    context.logger.error(
      { err: error, runId: record.runId },
      "a video run of the mock failed; the run is marked as error",
    );
    finishWithError(
      state,
      "The mock failed while running the analysis.",
      "internal",
      undefined,
      1,
      undefined,
    );
  });
  return state;
}

function addRun(store: MockStore, account: Account, state: VideoRunState): void {
  const runs = store.slot(account, VIDEO_RUNS);
  runs.set(state.record.runId, state);
  if (runs.size <= MAX_VIDEO_RUNS) return;
  for (const [runId, run] of runs) {
    if (isTerminal(run.record.status)) {
      runs.delete(runId);
      return;
    }
  }
}

/**
 * Moves a run through its states on the timing scheduler: running when the 202 is sent, then
 * completed (or error) when its last model pass would end. A cancel stops the waits.
 */
async function execute(context: OperationContext, state: VideoRunState, plan: AnalysisPlan): Promise<void> {
  const { record, log, canceller } = state;
  const startAt = context.timing.responseStart(context.operation.operationId, context.request.receivedAt);
  if (!(await context.scheduler.waitUntil(startAt, canceller.signal))) return;

  record.status = "running";
  record.startedAt = Date.now();
  record.updatedAt = record.startedAt;
  log.append(
    { type: "status", runId: record.runId, status: "running", updatedAt: record.updatedAt },
    startAt,
  );

  const endAt = startAt + analysisDurationMs(context, plan);
  if (!(await context.scheduler.waitUntil(endAt, canceller.signal))) return;
  recordRunUsage(context, record, plan);
  if (plan.failure !== undefined) {
    const failure = plan.failure;
    finishWithError(
      state,
      failure.message,
      failure.stage,
      failure.failedBatchIndex,
      failure.attemptCount,
      failure.partialReport,
      endAt,
    );
    return;
  }

  record.status = "completed";
  record.result = plan.report;
  record.completedAt = Date.now();
  record.updatedAt = record.completedAt;
  log.append(
    { type: "result", runId: record.runId, result: plan.report, updatedAt: record.updatedAt },
    endAt,
  );
  log.end();
}

function finishWithError(
  state: VideoRunState,
  message: string,
  stage: string,
  failedBatchIndex: number | undefined,
  attemptCount: number,
  partialReport: JsonObject | undefined,
  at?: number,
): void {
  const { record, log } = state;
  if (isTerminal(record.status)) return;
  record.status = "error";
  record.errorMessage = message;
  record.errorStage = stage;
  if (failedBatchIndex !== undefined) record.failedBatchIndex = failedBatchIndex;
  record.attemptCount = attemptCount;
  if (partialReport !== undefined) record.partialResult = partialReport;
  record.updatedAt = Date.now();
  log.append(terminalEvent(record), at);
  log.end();
}

/** Cancels a run that has not ended; a run that ended is left unchanged. */
export function cancelVideoRun(state: VideoRunState, now: number): void {
  const { record, log, canceller } = state;
  if (isTerminal(record.status)) return;
  canceller.abort();
  record.status = "cancelled";
  record.cancelledAt = now;
  record.updatedAt = now;
  log.append(terminalEvent(record));
  log.end();
}

/** Builds the stream event that reports how a finished run ended. */
export function terminalEvent(record: VideoRunRecord): JsonObject {
  const base = { runId: record.runId, updatedAt: record.updatedAt };
  if (record.status === "completed") return { type: "result", ...base, result: record.result ?? {} };
  if (record.status === "cancelled") return { type: "cancelled", ...base, message: CANCELLED_MESSAGE };
  return {
    type: "error",
    ...base,
    error: {
      message: record.errorMessage ?? "The video run failed.",
      ...(record.errorStage === undefined ? {} : { stage: record.errorStage }),
      ...(record.failedBatchIndex === undefined ? {} : { failedBatchIndex: record.failedBatchIndex }),
      ...(record.attemptCount === undefined ? {} : { attemptCount: record.attemptCount }),
      ...(record.partialResult === undefined ? {} : { partialReport: record.partialResult }),
    },
  };
}

/**
 * Computes how long the model passes of an analysis take under the chat timing, in ms. Each pass
 * waits `ttftMs` for its first token, then `interTokenMs` per further chunk of `tokensPerChunk` tokens.
 */
export function analysisDurationMs(context: OperationContext, plan: AnalysisPlan): number {
  const { ttftMs, interTokenMs, tokensPerChunk } = context.timing.model.chat;
  let total = 0;
  for (const tokens of plan.passTokens) {
    const chunks = Math.max(1, Math.ceil(tokens / tokensPerChunk));
    total += context.timing.jitter(ttftMs) + (chunks - 1) * context.timing.jitter(interTokenMs);
  }
  return total;
}

/** Records the tokens of an analysis as one usage row of the caller. */
export function recordAnalysisUsage(
  context: OperationContext,
  id: string,
  modelName: string,
  plan: AnalysisPlan,
): void {
  recordUsage(context.store, context.account, {
    chatId: id,
    modelName,
    inputTokens: plan.usage.promptTokens,
    outputTokens: plan.usage.completionTokens,
    startTime: context.request.receivedAtEpochMs,
    endTime: Date.now(),
    tools: false,
    ...(plan.failure === undefined ? {} : { error: plan.failure.message }),
  });
}

function recordRunUsage(context: OperationContext, record: VideoRunRecord, plan: AnalysisPlan): void {
  recordAnalysisUsage(context, record.runId, record.modelName, plan);
}
