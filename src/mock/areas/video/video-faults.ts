import type { FaultDefinition, FrameTransform } from "../../fault-registry.ts";
import type { SseFrame } from "../../mock-response.ts";

const STREAM = ["streamVideoRun"];

const VIDEO_OPERATIONS = [
  "analyzeVideo",
  "analyzeUploadedVideo",
  "startVideoRun",
  "startUploadedVideoRun",
  "analyzeVideoToWorkflow",
  "analyzeUploadedVideoToWorkflow",
  "startVideoToWorkflowRun",
  "startUploadedVideoToWorkflowRun",
  "getVideoRun",
  "streamVideoRun",
  "cancelVideoRun",
];

function eventType(frame: SseFrame): unknown {
  const data = frame.data;
  return typeof data === "object" && data !== null ? (data as Record<string, unknown>)["type"] : undefined;
}

/**
 * Holds a stream's `snapshot` event back until the next event has been sent, so another event
 * comes first. The factory run stream uses it too.
 */
export function snapshotAfterNextEvent(): FrameTransform {
  let held: SseFrame | undefined;
  return (frame) => {
    if (eventType(frame) === "snapshot") {
      held = frame;
      return [];
    }
    if (held === undefined || frame.data === undefined) return [frame];
    const snapshot = held;
    held = undefined;
    // [DONE] must stay last, so the snapshot goes before it when no other event came.
    return frame.data === "[DONE]" ? [snapshot, frame] : [frame, snapshot];
  };
}

export const VIDEO_FAULTS = {
  streamDoneMissing: {
    name: "video-run-stream-done-missing",
    area: "video",
    kind: "sse-framing",
    rule: "A video run stream ends with data: [DONE].",
    operations: STREAM,
    createFrameTransform: () => (frame) => (frame.data === "[DONE]" ? [] : [frame]),
  },
  snapshotNotFirst: {
    name: "video-run-stream-snapshot-not-first",
    area: "video",
    kind: "sse-order",
    rule: "The first event of a video run stream is the snapshot.",
    operations: STREAM,
    createFrameTransform: snapshotAfterNextEvent,
  },
  runsVisibleAcrossAccounts: {
    name: "video-run-of-other-account-visible",
    area: "video",
    kind: "namespacing",
    rule: "A video run of another account answers 404.",
  },
  errorBodyFlat: {
    name: "video-error-body-flat",
    area: "video",
    kind: "body-schema",
    rule: "Video errors nest their message: { success: false, error: { message } }.",
    operations: VIDEO_OPERATIONS,
    transformResponse: (response) => {
      if (response.kind !== "json" || response.status < 400) return response;
      const error = (response.body as { error?: { message?: unknown } }).error;
      if (typeof error?.message !== "string") return response;
      return { ...response, body: { success: false, message: error.message } };
    },
  },
  extensionNotChecked: {
    name: "video-upload-extension-not-checked",
    area: "video",
    kind: "status-code",
    rule: "An upload whose file name has no supported video extension answers 400.",
  },
} satisfies Record<string, FaultDefinition>;
