import type { OperationContext } from "../../area.ts";
import { jsonResponse, type MockResponse } from "../../mock-response.ts";
import { requireBodyObject, type JsonObject } from "../../request-fields.ts";
import { registerStartableWorkflow, unregisterStartableWorkflow } from "./startable-workflows.ts";
import {
  WorkflowReferenceError,
  createConfigRecord,
  deleteConfig,
  findConfig,
  listConfigs,
  saveConfig,
  updateConfigRecord,
  type WorkflowConfigRecord,
} from "./workflow-configs.ts";

export function listWorkflows(context: OperationContext): MockResponse {
  return jsonResponse(200, { success: true, data: listConfigs(context.store, context.account) });
}

export function createWorkflow(context: OperationContext): MockResponse {
  // Every field is optional, so a request without a body creates a config of defaults.
  const body = context.request.json === undefined ? {} : requireBodyObject(context.request.json);
  const id = context.store.nextId("wf_cfg");
  return writeConfig(context, () =>
    createConfigRecord(context.store, context.account, body, id, context.request.receivedAtEpochMs),
  );
}

export function updateWorkflow(context: OperationContext): MockResponse {
  const id = context.request.params["id"] ?? "";
  const existing = findConfig(context.store, context.account, id);
  if (existing === undefined) return configNotFound(context, id);
  const body: JsonObject = context.request.json === undefined ? {} : requireBodyObject(context.request.json);
  return writeConfig(context, () =>
    updateConfigRecord(context.store, context.account, existing, body, context.request.receivedAtEpochMs),
  );
}

/** Deletes a config. An unknown id still gets 200 with `success: false`, as documented. */
export function deleteWorkflow(context: OperationContext): MockResponse {
  const id = context.request.params["id"] ?? "";
  const deleted = deleteConfig(context.store, context.account, id);
  if (deleted) unregisterStartableWorkflow(context.store, context.account, id);
  return jsonResponse(
    200,
    deleted ? { success: true, message: "Deleted" } : { success: false, message: "Not found" },
  );
}

export function configNotFound(context: OperationContext, id: string): MockResponse {
  return context.error(
    404,
    `Workflow config ${id} was not found in this account. List them with GET /v1/core/workflows.`,
  );
}

function writeConfig(context: OperationContext, build: () => WorkflowConfigRecord): MockResponse {
  let record: WorkflowConfigRecord;
  try {
    record = build();
  } catch (error) {
    if (!(error instanceof WorkflowReferenceError)) throw error;
    return context.error(400, error.message, { errorCode: error.errorCode });
  }
  saveConfig(context.store, context.account, record);
  registerStartableWorkflow(context, record.id);
  return jsonResponse(200, { success: true, data: record });
}
