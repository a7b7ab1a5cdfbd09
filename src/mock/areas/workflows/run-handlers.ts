import type { OperationContext } from "../../area.ts";
import { jsonResponse, type MockResponse } from "../../mock-response.ts";
import { optionalString, requireBodyObject, requiredString } from "../../request-fields.ts";
import { configNotFound } from "./config-handlers.ts";
import { cancelRun, type RunClock } from "./run-execution.ts";
import { startWorkflowRun } from "./run-plan.ts";
import { findRun, findRunInAnyAccount, isTerminal, listConfigRuns, type RunState } from "./run-records.ts";
import { runStreamResponse } from "./run-stream.ts";
import { hydratedRunView, runRecordView } from "./run-views.ts";
import { findConfig, parseDataPayload } from "./workflow-configs.ts";
import { WORKFLOW_FAULTS } from "./workflow-faults.ts";

/** The documented bounds and default of `limit` on the run list. */
const RUN_LIST_LIMIT = { minimum: 1, maximum: 100, default: 20 } as const;

export function startRun(context: OperationContext): MockResponse {
  const body = requireBodyObject(context.request.json);
  const workflowId = requiredString(body, "workflowId");
  const dataPayload = optionalString(body, "dataPayload");
  const data = dataPayload === undefined ? undefined : parseDataPayload(dataPayload);
  const config = findConfig(context.store, context.account, workflowId);
  if (config === undefined) return configNotFound(context, workflowId);

  const startAt = context.timing.responseStart(context.operation.operationId, context.request.receivedAt);
  const run = startWorkflowRun(
    {
      store: context.store,
      account: context.account,
      timing: context.timing,
      scheduler: context.scheduler,
      logger: context.logger,
      receivedAt: context.request.receivedAt,
      receivedAtEpochMs: context.request.receivedAtEpochMs,
      startAt,
    },
    config,
    data ?? parseDataPayload(config.dataPayload),
  );
  // The view is taken now, before the run leaves `queued` in the background.
  return {
    kind: "json",
    status: 202,
    body: { success: true, runId: run.runId, data: runRecordView(run) },
    at: startAt,
  };
}

export function listRuns(context: OperationContext): MockResponse {
  const id = context.request.params["id"] ?? "";
  if (findConfig(context.store, context.account, id) === undefined) return configNotFound(context, id);
  const requested = integerQuery(context, "limit") ?? RUN_LIST_LIMIT.default;
  const limit = Math.min(RUN_LIST_LIMIT.maximum, Math.max(RUN_LIST_LIMIT.minimum, requested));
  if (limit !== requested && context.faults.has(WORKFLOW_FAULTS.limitRejected)) {
    return context.error(
      400,
      `limit must be from ${RUN_LIST_LIMIT.minimum} to ${RUN_LIST_LIMIT.maximum}, received ${requested}.`,
    );
  }
  const offset = Math.max(0, integerQuery(context, "offset") ?? 0);
  const runs = listConfigRuns(context.store, context.account, id).slice(offset, offset + limit);
  return jsonResponse(200, { success: true, data: runs.map(runRecordView) });
}

export function getRun(context: OperationContext): MockResponse {
  const run = lookupRun(context);
  return run === undefined
    ? runNotFound(context)
    : jsonResponse(200, { success: true, data: runRecordView(run) });
}

export function getHydratedRun(context: OperationContext): MockResponse {
  const run = lookupRun(context);
  return run === undefined
    ? runNotFound(context)
    : jsonResponse(200, { success: true, data: hydratedRunView(run) });
}

export function streamRun(context: OperationContext): MockResponse {
  const run = lookupRun(context);
  return run === undefined ? runNotFound(context) : runStreamResponse(context, run);
}

/**
 * Cancels a queued or running run. A run that already ended still gets 200: `found` is true,
 * `cancelled` false, and `alreadyCancelled` reports whether an earlier cancel ended it.
 */
export function cancelWorkflowRun(context: OperationContext): MockResponse {
  const runId = context.request.params["runId"] ?? "";
  if (runId.trim() === "") return context.error(400, "runId is blank; send the id of the run to cancel.");
  const run = lookupRun(context);
  if (run === undefined) return runNotFound(context);

  const alreadyCancelled = run.status === "cancelled";
  const ended = isTerminal(run.status);
  const cancelled = cancelRun(requestClock(context), run, context.scheduler.now());
  const reportCancelled = cancelled || (ended && context.faults.has(WORKFLOW_FAULTS.cancelFlagsWrong));
  return jsonResponse(200, { success: true, found: true, cancelled: reportCancelled, alreadyCancelled });
}

/** Finds the run of the `runId` path parameter in the caller's account. */
function lookupRun(context: OperationContext): RunState | undefined {
  const runId = context.request.params["runId"] ?? "";
  const own = findRun(context.store, context.account, runId);
  if (own !== undefined || !context.faults.has(WORKFLOW_FAULTS.runAcrossAccounts)) return own;
  return findRunInAnyAccount(context.store, runId);
}

function runNotFound(context: OperationContext): MockResponse {
  const runId = context.request.params["runId"] ?? "";
  return context.error(
    404,
    `Workflow run ${runId} was not found in this account. Start one with POST /v1/core/workflow-runs.`,
  );
}

/** Builds the clock of a request that changes a run, with Unix times counted from its arrival. */
function requestClock(context: OperationContext): RunClock {
  const { receivedAt, receivedAtEpochMs } = context.request;
  return {
    store: context.store,
    scheduler: context.scheduler,
    logger: context.logger,
    toEpochMs: (at) => Math.round(receivedAtEpochMs + (at - receivedAt)),
  };
}

/**
 * Reads an integer query parameter. The run list documents no 400, so a value that is not an
 * integer counts as absent.
 */
function integerQuery(context: OperationContext, name: string): number | undefined {
  const text = context.request.query.get(name);
  if (text === null || !/^-?\d+$/.test(text.trim())) return undefined;
  return Number(text.trim());
}
