import type { OperationContext } from "../../area.ts";
import { jsonResponse, type MockResponse, type SseFrame } from "../../mock-response.ts";
import { InvalidRequestError, requireBodyObject } from "../../request-fields.ts";
import { DEFAULT_RUN_HEARTBEAT_MS } from "../../timing-model.ts";
import { hydratedRunView } from "../workflows/run-views.ts";
import { CONFIG_NOT_FOUND } from "./factory-config-handlers.ts";
import { findFactory } from "./factory-configs.ts";
import { cancelFactoryRun, pauseFactoryRun, resumeFactoryRun, startFactoryRun } from "./factory-execution.ts";
import { FACTORY_FAULTS } from "./factory-faults.ts";
import {
  MAX_CONCURRENT_FACTORY_RUNS,
  activeRunCount,
  findFactoryRun,
  isTerminal,
  pageOf,
  snapshot,
  type FactoryRunState,
} from "./factory-runs.ts";

const RUN_NOT_FOUND = "Factory run not found";
const STEP_RUN_NOT_FOUND = "Factory step run not found";

/** Finds the run named in the path among the caller's runs (or any account's, under a fault). */
function findRun(context: OperationContext): FactoryRunState | undefined {
  const runId = context.request.params["runId"] ?? "";
  const own = findFactoryRun(context.store, context.account, runId);
  if (own !== undefined || !context.faults.has(FACTORY_FAULTS.runsVisibleAcrossAccounts)) return own;
  for (const account of context.store.accounts()) {
    const other = findFactoryRun(context.store, account, runId);
    if (other !== undefined) return other;
  }
  return undefined;
}

function withRun(context: OperationContext, use: (run: FactoryRunState) => MockResponse): MockResponse {
  const run = findRun(context);
  return run === undefined ? context.error(404, RUN_NOT_FOUND) : use(run);
}

export function startRun(context: OperationContext): MockResponse {
  const body = requireBodyObject(context.request.json);
  const configId = body["factoryConfigId"];
  if (typeof configId !== "string" || configId.trim() === "")
    throw new InvalidRequestError("factoryConfigId required", "factoryConfigId");
  const config = findFactory(context.store, context.account, configId);
  if (config === undefined) return context.error(404, CONFIG_NOT_FOUND);
  if (activeRunCount(context.store, context.account) >= MAX_CONCURRENT_FACTORY_RUNS) {
    return context.error(429, "Factory concurrent run limit reached", {
      errorCode: "FACTORY_CONCURRENT_LIMIT_REACHED",
    });
  }
  const initial = body["initialCarryPayload"];
  const run = startFactoryRun(
    { store: context.store, timing: context.timing, scheduler: context.scheduler, logger: context.logger },
    {
      owner: context.account,
      config,
      // The API turns a payload that is not a string into "".
      carryPayload: typeof initial === "string" ? initial : "",
      trigger: { kind: "manual" },
      startAt: context.timing.responseStart(context.operation.operationId, context.request.receivedAt),
      nowEpochMs: context.request.receivedAtEpochMs,
    },
  );
  return jsonResponse(202, { success: true, runId: run.record.runId, data: snapshot(run.record) });
}

export function getRun(context: OperationContext): MockResponse {
  return withRun(context, (run) => jsonResponse(200, { success: true, data: snapshot(run.record) }));
}

export function listStepRuns(context: OperationContext): MockResponse {
  return withRun(context, (run) => {
    const { limit, offset } = pageOf(context.request.query, 50);
    const data = run.steps.slice(offset, offset + limit).map((step) => snapshot(step.record));
    return jsonResponse(200, { success: true, data });
  });
}

function withStepRun(
  context: OperationContext,
  use: (step: FactoryRunState["steps"][number]) => MockResponse,
): MockResponse {
  return withRun(context, (run) => {
    const stepRunId = context.request.params["stepRunId"] ?? "";
    const step = run.steps.find((candidate) => candidate.record.stepRunId === stepRunId);
    return step === undefined ? context.error(404, STEP_RUN_NOT_FOUND) : use(step);
  });
}

export function getStepRun(context: OperationContext): MockResponse {
  return withStepRun(context, (step) => jsonResponse(200, { success: true, data: snapshot(step.record) }));
}

export function getHydratedStepRun(context: OperationContext): MockResponse {
  return withStepRun(context, (step) => {
    const transcript = step.transcript;
    return jsonResponse(200, {
      success: true,
      data: {
        stepRun: snapshot(step.record),
        workflowRun: transcript?.kind === "workflow" ? hydratedRunView(transcript.workflowRun) : null,
        chatSession: transcript?.kind === "agent" ? structuredClone(transcript.chatSession) : null,
      },
    });
  });
}

/**
 * Streams a run: the snapshot first, then the run's kept event history and, while it runs, its live
 * events with heartbeat comments. `[DONE]` follows the run's last event.
 */
export function streamRun(context: OperationContext): MockResponse {
  return withRun(context, (run) => {
    const heartbeatMs = context.timing.model.factoryHeartbeatMs ?? DEFAULT_RUN_HEARTBEAT_MS;
    async function* frames(signal: AbortSignal): AsyncGenerator<SseFrame> {
      yield { data: { type: "snapshot", record: snapshot(run.record) } };
      for await (const item of run.log.follow({ from: 0, heartbeatMs, signal })) {
        if (item.kind === "heartbeat") yield { comment: `factory-heartbeat ${item.epochMs}` };
        else yield item.at === undefined ? { data: item.event } : { data: item.event, at: item.at };
      }
      if (!signal.aborted) yield { data: "[DONE]" };
    }
    return { kind: "sse", status: 200, frames };
  });
}

export function pauseRun(context: OperationContext): MockResponse {
  return withRun(context, (run) => {
    const now = context.request.receivedAtEpochMs;
    if (isTerminal(run.record.status) && context.faults.has(FACTORY_FAULTS.pauseOfEndedRunAccepted)) {
      run.record.status = "paused";
      run.record.pausedAt = now;
      return jsonResponse(200, { success: true, data: snapshot(run.record) });
    }
    if (!pauseFactoryRun(run, now)) {
      const message =
        run.record.status === "paused"
          ? "Factory run is already paused"
          : `Factory run is already ${run.record.status}`;
      return jsonResponse(200, { success: true, noop: true, message, data: snapshot(run.record) });
    }
    return jsonResponse(200, { success: true, data: snapshot(run.record) });
  });
}

export function resumeRun(context: OperationContext): MockResponse {
  return withRun(context, (run) => {
    if (!resumeFactoryRun(run, context.request.receivedAtEpochMs)) {
      return jsonResponse(200, {
        success: true,
        noop: true,
        message: `Factory run is not paused (status ${run.record.status})`,
        data: snapshot(run.record),
      });
    }
    return jsonResponse(200, { success: true, data: snapshot(run.record) });
  });
}

export function cancelRun(context: OperationContext): MockResponse {
  if ((context.request.params["runId"] ?? "").trim() === "")
    throw new InvalidRequestError("runId required", "runId");
  return withRun(context, (run) =>
    jsonResponse(200, cancelFactoryRun(run, context.request.receivedAtEpochMs)),
  );
}
