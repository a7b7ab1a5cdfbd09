import type { FaultDefinition, FrameTransform } from "../../fault-registry.ts";
import { errorResponse } from "../../error-bodies.ts";
import type { SseFrame } from "../../mock-response.ts";

const RUN_STREAM = ["streamWorkflowRun"];

function payloadType(frame: SseFrame): unknown {
  const data = frame.data;
  return typeof data === "object" && data !== null ? (data as Record<string, unknown>)["type"] : undefined;
}

function isHeartbeat(frame: SseFrame): boolean {
  return frame.raw?.startsWith(":workflow-heartbeat ") === true;
}

/** Holds the snapshot back and sends it after the next data frame. */
function snapshotAfterFirstEvent(): FrameTransform {
  let heldSnapshot: SseFrame | undefined;
  return (frame) => {
    if (payloadType(frame) === "snapshot" && heldSnapshot === undefined) {
      heldSnapshot = frame;
      return [];
    }
    if (heldSnapshot === undefined || frame.data === undefined) return [frame];
    const snapshot = heldSnapshot;
    heldSnapshot = undefined;
    return frame.data === "[DONE]" ? [snapshot, frame] : [frame, snapshot];
  };
}

export const WORKFLOW_FAULTS = {
  snapshotNotFirst: {
    name: "workflow-stream-snapshot-not-first",
    area: "workflows",
    kind: "sse-order",
    rule: "The first payload of a workflow run stream is the snapshot event.",
    operations: RUN_STREAM,
    createFrameTransform: snapshotAfterFirstEvent,
  },
  heartbeatMalformed: {
    name: "workflow-stream-heartbeat-malformed",
    area: "workflows",
    kind: "sse-framing",
    rule: "Heartbeats of a workflow run stream are comment lines :workflow-heartbeat <epoch-ms>.",
    operations: RUN_STREAM,
    createFrameTransform: () => (frame) => {
      if (!isHeartbeat(frame)) return [frame];
      const epochMs = Number(frame.raw?.slice(":workflow-heartbeat ".length).trim());
      return [{ ...frame, raw: `:workflow-heartbeat ${new Date(epochMs).toISOString()}\n\n` }];
    },
  },
  doneMissing: {
    name: "workflow-stream-done-missing",
    area: "workflows",
    kind: "sse-framing",
    rule: "A workflow run stream ends with data: [DONE].",
    operations: RUN_STREAM,
    createFrameTransform: () => (frame) => (frame.data === "[DONE]" ? [] : [frame]),
  },
  runAcrossAccounts: {
    name: "workflow-run-across-accounts",
    area: "workflows",
    kind: "namespacing",
    rule: "A workflow run of another account gets 404 on get, hydrated, stream and cancel.",
  },
  cancelFlagsWrong: {
    name: "workflow-cancel-flags-wrong",
    area: "workflows",
    kind: "body-schema",
    rule: "Cancelling a run that already ended returns found: true with cancelled: false.",
  },
  deleteUnknownAnswered404: {
    name: "workflow-delete-unknown-answered-404",
    area: "workflows",
    kind: "status-code",
    rule: "Deleting an unknown workflow config returns 200 with success: false and message: Not found.",
    operations: ["deleteWorkflow"],
    transformResponse: (response) => {
      if (response.kind !== "json" || (response.body as Record<string, unknown>)["success"] !== false)
        return response;
      return errorResponse("msq", 404, "Workflow config not found.");
    },
  },
  startAnswered200: {
    name: "workflow-run-start-answered-200",
    area: "workflows",
    kind: "status-code",
    rule: "Starting a workflow run returns 202 Accepted.",
    operations: ["startWorkflowRun"],
    transformResponse: (response) => (response.status === 202 ? { ...response, status: 200 } : response),
  },
  runIdHeaderMissing: {
    name: "agent-workflow-run-id-header-missing",
    area: "workflows",
    kind: "header",
    rule: "The agent-workflow stream carries the run id in the X-Run-Id header.",
    operations: ["streamAgentWorkflow"],
    transformResponse: (response) => {
      if (response.kind !== "sse" || response.headers === undefined) return response;
      const { "x-run-id": _runId, ...headers } = response.headers;
      return { ...response, headers };
    },
  },
  defaultsMissing: {
    name: "workflow-config-defaults-missing",
    area: "workflows",
    kind: "body-schema",
    rule: "A created workflow config carries the documented defaults: concurrency 1 and delimiter |#|.",
    operations: ["createWorkflow"],
    transformResponse: (response) => {
      if (response.kind !== "json" || response.status !== 200) return response;
      const body = response.body as { data: Record<string, unknown> };
      const { concurrency: _concurrency, delimiter: _delimiter, ...data } = body.data;
      return { ...response, body: { ...body, data } };
    },
  },
  limitRejected: {
    name: "workflow-runs-limit-rejected",
    area: "workflows",
    kind: "status-code",
    rule: "Listing runs with a limit outside 1..100 clamps the limit instead of rejecting the request.",
  },
} satisfies Record<string, FaultDefinition>;
