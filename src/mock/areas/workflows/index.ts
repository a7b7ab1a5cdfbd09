import type { MockArea } from "../../area.ts";
import { streamAgentWorkflow } from "./agent-workflow-stream.ts";
import { createWorkflow, deleteWorkflow, listWorkflows, updateWorkflow } from "./config-handlers.ts";
import { cancelWorkflowRun, getHydratedRun, getRun, listRuns, startRun, streamRun } from "./run-handlers.ts";
import { WORKFLOW_FAULTS } from "./workflow-faults.ts";

/**
 * Saved workflow configs, persisted runs that play helpers and then the main agent on the timing
 * model, their SSE progress stream, and the legacy agent-workflow stream. Workflows name agents
 * from the agent directory that the agents area keeps (`agent/<agentId>`,
 * `shared/<ownerUsername>/<slug>`).
 */
export const workflowsArea: MockArea = {
  name: "workflows",
  operations: [
    { operationId: "listWorkflows", method: "GET", path: "/v1/core/workflows", handle: listWorkflows },
    { operationId: "createWorkflow", method: "POST", path: "/v1/core/workflows", handle: createWorkflow },
    { operationId: "updateWorkflow", method: "PUT", path: "/v1/core/workflows/{id}", handle: updateWorkflow },
    {
      operationId: "deleteWorkflow",
      method: "DELETE",
      path: "/v1/core/workflows/{id}",
      handle: deleteWorkflow,
    },
    { operationId: "startWorkflowRun", method: "POST", path: "/v1/core/workflow-runs", handle: startRun },
    {
      operationId: "listWorkflowRuns",
      method: "GET",
      path: "/v1/core/workflows/{id}/runs",
      handle: listRuns,
    },
    { operationId: "getWorkflowRun", method: "GET", path: "/v1/core/workflow-runs/{runId}", handle: getRun },
    {
      operationId: "getHydratedWorkflowRun",
      method: "GET",
      path: "/v1/core/workflow-runs/{runId}/hydrated",
      handle: getHydratedRun,
    },
    {
      operationId: "streamWorkflowRun",
      method: "GET",
      path: "/v1/core/workflow-runs/{runId}/stream",
      handle: streamRun,
    },
    {
      operationId: "cancelWorkflowRun",
      method: "POST",
      path: "/v1/core/workflow-runs/{runId}/cancel",
      handle: cancelWorkflowRun,
    },
    {
      operationId: "streamAgentWorkflow",
      method: "POST",
      path: "/v1/core/agent-workflow",
      handle: streamAgentWorkflow,
    },
  ],
  faults: Object.values(WORKFLOW_FAULTS),
};
