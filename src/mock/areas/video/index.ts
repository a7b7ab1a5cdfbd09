import { extname } from "node:path";
import type { MockArea, OperationContext } from "../../area.ts";
import { formField } from "../../mock-request.ts";
import { jsonResponse, type MockResponse, type SseFrame } from "../../mock-response.ts";
import { InvalidRequestError } from "../../request-fields.ts";
import { DEFAULT_RUN_HEARTBEAT_MS } from "../../timing-model.ts";
import { decodedFilename, findFile } from "../files/file-records.ts";
import { FAILING_PROVIDER_MODEL, findModel } from "../models/model-records.ts";
import { analyzeVideo, type AnalysisPlan, type VideoSource } from "./video-analysis.ts";
import { VIDEO_FAULTS } from "./video-faults.ts";
import {
  parseRequestPart,
  readAnalysisRequest,
  type VideoAnalysisRequest,
  type VideoRunKind,
} from "./video-requests.ts";
import {
  VIDEO_RUNS,
  analysisDurationMs,
  cancelVideoRun,
  isTerminal,
  recordAnalysisUsage,
  recordView,
  startVideoRun,
  terminalEvent,
  type VideoRunState,
} from "./video-runs.ts";

/** File name extensions the upload routes accept. */
export const VIDEO_EXTENSIONS: ReadonlySet<string> = new Set([
  ".mp4",
  ".mov",
  ".mkv",
  ".webm",
  ".avi",
  ".ts",
  ".mxf",
  ".flv",
  ".m4v",
  ".3gp",
  ".3g2",
]);

const RUN_NOT_FOUND = "Video processing run not found.";

/** The video to analyze, with what the analysis needs to know about the model. */
interface ResolvedInput {
  readonly request: VideoAnalysisRequest;
  readonly source: VideoSource;
  readonly bytes: Uint8Array;
  readonly providerFails: boolean;
}

/** Reads a JSON analysis request and the stored file it names; returns an error response instead when one applies. */
function storedInput(context: OperationContext, kind: VideoRunKind): ResolvedInput | MockResponse {
  const request = readAnalysisRequest(context.request.json, kind, "fileId");
  const fileId = request.fileId ?? "";
  const file = findFile(context.store, context.account, fileId);
  if (file === undefined)
    return context.error(
      404,
      `File not found: ${fileId}. Upload it with POST /v1/files or use an upload route.`,
    );
  const source: VideoSource = { type: "fileId", fileId, filename: decodedFilename(file) };
  return withModel(context, request, source, file.content);
}

/** Reads an upload: one `file` part with a video extension and the `request` part as JSON text. */
function uploadedInput(context: OperationContext, kind: VideoRunKind): ResolvedInput | MockResponse {
  const form = context.request.form;
  const files = form?.files ?? [];
  const video = files.find((file) => file.field === "file");
  if (form === undefined || video === undefined) throw new InvalidRequestError("No file uploaded.", "file");
  if (files.length > 1)
    throw new InvalidRequestError(`Upload exactly one file; received ${files.length}.`, "file");
  const extension = extname(video.filename).toLowerCase();
  if (!VIDEO_EXTENSIONS.has(extension) && !context.faults.has(VIDEO_FAULTS.extensionNotChecked)) {
    throw new InvalidRequestError(
      `Unsupported video file extension: ${extension === "" ? "(none)" : extension}`,
      "file",
    );
  }
  const request = readAnalysisRequest(parseRequestPart(formField(form, "request")), kind, "upload");
  return withModel(context, request, { type: "upload", filename: video.filename }, video.bytes);
}

function withModel(
  context: OperationContext,
  request: VideoAnalysisRequest,
  source: VideoSource,
  bytes: Uint8Array,
): ResolvedInput | MockResponse {
  const model = findModel(context.store, context.account, request.model);
  if (model === undefined)
    return context.error(404, `Model not found: ${request.model}. Add it with POST /v1/core/add/model.`);
  if (model.embedding) {
    throw new InvalidRequestError(
      `Model ${request.model} is an embedding model; send a vision-capable chat model.`,
      "model",
    );
  }
  return { request, source, bytes, providerFails: model.model === FAILING_PROVIDER_MODEL };
}

function isResponse(value: ResolvedInput | MockResponse): value is MockResponse {
  return "kind" in value;
}

function plan(input: ResolvedInput): AnalysisPlan {
  return analyzeVideo(input.request, input.source, input.bytes, input.providerFails);
}

/** Builds the handler of a synchronous analysis, whose report is sent when the last model pass would end. */
function analyze(read: typeof storedInput): (context: OperationContext) => MockResponse {
  return (context) => {
    const input = read(context, kindOf(context));
    if (isResponse(input)) return input;
    const analysis = plan(input);
    recordAnalysisUsage(context, context.store.nextId("vid_sync"), input.request.model, analysis);
    const at =
      context.timing.responseStart(context.operation.operationId, context.request.receivedAt) +
      analysisDurationMs(context, analysis);
    if (analysis.failure !== undefined) {
      return { ...context.error(500, `Video analysis failed: ${analysis.failure.message}`), at };
    }
    return { ...jsonResponse(200, { success: true, data: { report: analysis.report } }), at };
  };
}

/** Builds the handler of an asynchronous analysis: 202 with the queued run, which then runs on the timing scheduler. */
function startRun(read: typeof storedInput): (context: OperationContext) => MockResponse {
  return (context) => {
    const kind = kindOf(context);
    const input = read(context, kind);
    if (isResponse(input)) return input;
    const summary = {
      model: input.request.model,
      source: input.source,
      ...(input.request.options === undefined ? {} : { options: input.request.options }),
      ...(input.request.prompt === undefined ? {} : { prompt: input.request.prompt }),
    };
    const state = startVideoRun(context, kind, summary, plan(input));
    return jsonResponse(202, { success: true, data: recordView(state.record) });
  };
}

function kindOf(context: OperationContext): VideoRunKind {
  return context.operation.path.startsWith("/v1/core/video-to-workflow/") ? "video_to_workflow" : "generic";
}

/** Finds the caller's run named in the path; undefined when it does not exist in the account. */
function findRun(context: OperationContext, runId: string): VideoRunState | undefined {
  const own = context.store.slot(context.account, VIDEO_RUNS).get(runId);
  if (own !== undefined || !context.faults.has(VIDEO_FAULTS.runsVisibleAcrossAccounts)) return own;
  for (const account of context.store.accounts()) {
    const other = context.store.slot(account, VIDEO_RUNS).get(runId);
    if (other !== undefined) return other;
  }
  return undefined;
}

function runIdParam(context: OperationContext): string {
  return (context.request.params["runId"] ?? "").trim();
}

function getRun(context: OperationContext): MockResponse {
  const runId = runIdParam(context);
  if (runId === "") return context.error(400, "runId is required.");
  const state = findRun(context, runId);
  if (state === undefined) return context.error(404, RUN_NOT_FOUND);
  return jsonResponse(200, { success: true, data: recordView(state.record) });
}

function cancelRun(context: OperationContext): MockResponse {
  const runId = runIdParam(context);
  if (runId === "") return context.error(400, "runId is required.");
  const state = findRun(context, runId);
  if (state === undefined) return context.error(404, RUN_NOT_FOUND);
  cancelVideoRun(state, context.request.receivedAtEpochMs);
  return jsonResponse(200, { success: true, data: recordView(state.record) });
}

/**
 * Streams a run: the snapshot first, then the terminal event of a run that has ended, or else the
 * live events with heartbeat comments until the run ends. `[DONE]` closes the stream.
 */
function streamRun(context: OperationContext): MockResponse {
  const runId = runIdParam(context);
  // The reference pages document an empty body for a blank runId.
  if (runId === "") return { kind: "text", status: 400, contentType: "text/plain; charset=utf-8", body: "" };
  const found = findRun(context, runId);
  if (found === undefined) return context.error(404, RUN_NOT_FOUND);
  const state: VideoRunState = found;
  const heartbeatMs = context.timing.model.videoHeartbeatMs ?? DEFAULT_RUN_HEARTBEAT_MS;

  async function* frames(signal: AbortSignal): AsyncGenerator<SseFrame> {
    // The snapshot, the terminal check and the log position are taken together, so no event is lost.
    const snapshot = recordView(state.record);
    const from = state.log.cursor();
    const ended = isTerminal(state.record.status);
    yield { data: { type: "snapshot", record: snapshot } };
    if (ended) {
      yield { data: terminalEvent(state.record) };
      yield { data: "[DONE]" };
      return;
    }
    for await (const item of state.log.follow({ from, heartbeatMs, signal })) {
      if (item.kind === "heartbeat") yield { comment: `video-heartbeat ${item.epochMs}` };
      else yield item.at === undefined ? { data: item.event } : { data: item.event, at: item.at };
    }
    if (!signal.aborted) yield { data: "[DONE]" };
  }
  return { kind: "sse", status: 200, frames };
}

/**
 * Video analysis with a model of the account, synchronous or as runs, from stored files or
 * uploads. Reports are derived from the video bytes and the request, so they are deterministic;
 * no model is called and no URL is fetched.
 */
export const videoArea: MockArea = {
  name: "video",
  operations: [
    {
      operationId: "analyzeVideo",
      method: "POST",
      path: "/v1/core/video/analyze",
      handle: analyze(storedInput),
    },
    {
      operationId: "analyzeUploadedVideo",
      method: "POST",
      path: "/v1/core/video/analyze/upload",
      handle: analyze(uploadedInput),
    },
    {
      operationId: "startVideoRun",
      method: "POST",
      path: "/v1/core/video/runs",
      handle: startRun(storedInput),
    },
    {
      operationId: "startUploadedVideoRun",
      method: "POST",
      path: "/v1/core/video/runs/upload",
      handle: startRun(uploadedInput),
    },
    {
      operationId: "analyzeVideoToWorkflow",
      method: "POST",
      path: "/v1/core/video-to-workflow/analyze",
      handle: analyze(storedInput),
    },
    {
      operationId: "analyzeUploadedVideoToWorkflow",
      method: "POST",
      path: "/v1/core/video-to-workflow/analyze/upload",
      handle: analyze(uploadedInput),
    },
    {
      operationId: "startVideoToWorkflowRun",
      method: "POST",
      path: "/v1/core/video-to-workflow/runs",
      handle: startRun(storedInput),
    },
    {
      operationId: "startUploadedVideoToWorkflowRun",
      method: "POST",
      path: "/v1/core/video-to-workflow/runs/upload",
      handle: startRun(uploadedInput),
    },
    { operationId: "getVideoRun", method: "GET", path: "/v1/core/video/runs/{runId}", handle: getRun },
    {
      operationId: "streamVideoRun",
      method: "GET",
      path: "/v1/core/video/runs/{runId}/stream",
      handle: streamRun,
    },
    {
      operationId: "cancelVideoRun",
      method: "POST",
      path: "/v1/core/video/runs/{runId}/cancel",
      handle: cancelRun,
    },
  ],
  faults: Object.values(VIDEO_FAULTS),
};
