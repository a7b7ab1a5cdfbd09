import type { OperationContext } from "../../area.ts";
import { InvalidRequestError, type JsonObject } from "../../request-fields.ts";
import { STARTABLE_WORKFLOWS, type DispatchOutcome } from "../../run-directory.ts";
import type { Account, MockStore } from "../../store.ts";
import { startWorkflowRun } from "./run-plan.ts";
import { runRecordView } from "./run-views.ts";
import { findConfig, parseDataPayload } from "./workflow-configs.ts";

/**
 * Lists the config `configId` of the caller in the run directory, so other areas (the webhook
 * trigger) can start its runs. A start reads the config as it is then, and runs at once on the
 * deployment's timing model, like `POST /v1/core/workflow-runs`.
 */
export function registerStartableWorkflow(context: OperationContext, configId: string): void {
  const { store, account, timing, scheduler, logger } = context;
  store.slot(account, STARTABLE_WORKFLOWS).set(configId, {
    start(payload: string | undefined): DispatchOutcome {
      const config = findConfig(store, account, configId);
      if (config === undefined) {
        return { ok: false, status: 404, message: `Workflow config ${configId} was not found.` };
      }
      let data: JsonObject;
      try {
        data = parseDataPayload(payload ?? config.dataPayload);
      } catch (error) {
        if (!(error instanceof InvalidRequestError)) throw error;
        return { ok: false, status: 400, message: error.message };
      }
      const now = scheduler.now();
      const run = startWorkflowRun(
        {
          store,
          account,
          timing,
          scheduler,
          logger,
          receivedAt: now,
          receivedAtEpochMs: Date.now(),
          startAt: now,
        },
        config,
        data,
      );
      return {
        ok: true,
        runId: run.runId,
        result: { success: true, runId: run.runId, data: runRecordView(run) },
      };
    },
  });
}

/** Removes a deleted config from the run directory. */
export function unregisterStartableWorkflow(store: MockStore, account: Account, configId: string): void {
  store.slot(account, STARTABLE_WORKFLOWS).delete(configId);
}
