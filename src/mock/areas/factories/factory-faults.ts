import type { FaultDefinition } from "../../fault-registry.ts";
import { jsonResponse } from "../../mock-response.ts";
import { snapshotAfterNextEvent } from "../video/video-faults.ts";

const STREAM = ["streamFactoryRun"];
const SCHEDULE_WRITES = ["createFactorySchedule", "updateFactorySchedule", "toggleFactorySchedule"];

export const FACTORY_FAULTS = {
  runsVisibleAcrossAccounts: {
    name: "factory-run-of-other-account-visible",
    area: "factories",
    kind: "namespacing",
    rule: "A factory run of another account answers 404.",
  },
  snapshotNotFirst: {
    name: "factory-run-stream-snapshot-not-first",
    area: "factories",
    kind: "sse-order",
    rule: "The first event of a factory run stream is the snapshot.",
    operations: STREAM,
    createFrameTransform: snapshotAfterNextEvent,
  },
  heartbeatMalformed: {
    name: "factory-run-stream-heartbeat-malformed",
    area: "factories",
    kind: "sse-framing",
    rule: "Heartbeat comments of a factory run stream read :factory-heartbeat <epoch-ms>.",
    operations: STREAM,
    createFrameTransform: () => (frame) =>
      frame.comment === undefined
        ? [frame]
        : [{ ...frame, comment: `heartbeat ${new Date().toISOString()}` }],
  },
  pauseOfEndedRunAccepted: {
    name: "factory-pause-of-ended-run-accepted",
    area: "factories",
    kind: "body-schema",
    rule: "Pausing a factory run that already ended changes nothing and answers noop: true.",
  },
  createAnswered201: {
    name: "factory-create-answered-201",
    area: "factories",
    kind: "status-code",
    rule: "Creating a factory config answers 200, not 201.",
    operations: ["createFactory"],
    transformResponse: (response) => (response.status === 200 ? { ...response, status: 201 } : response),
  },
  deleteUnknownAnswered404: {
    name: "factory-delete-unknown-answered-404",
    area: "factories",
    kind: "status-code",
    rule: "Deleting a factory config that does not exist answers 200 with success: false.",
    operations: ["deleteFactory"],
    transformResponse: (response) => {
      if (response.kind !== "json" || (response.body as { success?: unknown }).success !== false)
        return response;
      return jsonResponse(404, { success: false, message: "Factory config not found" });
    },
  },
  scheduleNextRunMissing: {
    name: "factory-schedule-next-run-missing",
    area: "factories",
    kind: "body-schema",
    rule: "A factory schedule carries the nextRunAt the server computed.",
    operations: SCHEDULE_WRITES,
    transformResponse: (response) => {
      if (response.kind !== "json" || response.status !== 200) return response;
      const body = response.body as { data?: Record<string, unknown> };
      if (body.data === undefined) return response;
      const { nextRunAt: _nextRunAt, ...data } = body.data;
      return { ...response, body: { ...body, data } };
    },
  },
} satisfies Record<string, FaultDefinition>;
