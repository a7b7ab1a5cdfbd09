import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { readVideoMetadata } from "../../src/mock/areas/video/video-metadata.ts";
import { startMock, type RunningMock } from "../../src/mock/server.ts";
import { ZERO_TIMING, type TimingModel } from "../../src/mock/timing-model.ts";
import { ValidatorRegistry } from "../../src/validation/validator-registry.ts";
import { expectSameResponse, startMswDeployment, type MswDeployment } from "./support/adapter-pair.ts";
import { contractFailures } from "./support/contract-checks.ts";
import { expectProbeBreaksRule, faultNamesOf } from "./support/fault-probes.ts";
import {
  eventPayloads,
  jsonBody,
  jsonData,
  sendRequest,
  type Caller,
  type MockExchange,
} from "./support/mock-exchange.ts";

let registry: ValidatorRegistry;

beforeAll(async () => {
  registry = await ValidatorRegistry.load();
});

/** Builds an MP4 header with an `mvhd` of the given duration and a video `tkhd` of the given size. */
function mp4Bytes(durationSec: number, width: number, height: number): Uint8Array {
  const box = (type: string, body: Uint8Array): Uint8Array => {
    const bytes = new Uint8Array(8 + body.length);
    new DataView(bytes.buffer).setUint32(0, bytes.length);
    bytes.set(new TextEncoder().encode(type), 4);
    bytes.set(body, 8);
    return bytes;
  };
  const mvhd = new Uint8Array(100);
  new DataView(mvhd.buffer).setUint32(12, 1000);
  new DataView(mvhd.buffer).setUint32(16, Math.round(durationSec * 1000));
  const tkhd = new Uint8Array(84);
  new DataView(tkhd.buffer).setUint32(76, width * 65536);
  new DataView(tkhd.buffer).setUint32(80, height * 65536);
  const ftyp = box("ftyp", new TextEncoder().encode("isom\0\0\0\0isommp41"));
  const moov = box("moov", concat([box("mvhd", mvhd), box("trak", box("tkhd", tkhd))]));
  return concat([ftyp, moov, box("mdat", new Uint8Array(4096).fill(7))]);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return bytes;
}

const DEMO_VIDEO = mp4Bytes(42.5, 1920, 1080);

interface Upload {
  readonly filename: string;
  readonly bytes?: Uint8Array;
  readonly request?: unknown;
  readonly extraFile?: boolean;
}

/** Sends a JSON body, a video upload, or nothing, to the mock at `origin`. */
function send(
  origin: string,
  caller: Caller,
  method: string,
  path: string,
  payload?: { json?: unknown; upload?: Upload },
): Promise<MockExchange> {
  const upload = payload?.upload;
  if (upload === undefined) return sendRequest(origin, caller, method, path, payload?.json);
  const form = new FormData();
  if (upload.filename !== "")
    form.append(
      "file",
      new Blob([(upload.bytes ?? DEMO_VIDEO).slice()], { type: "video/mp4" }),
      upload.filename,
    );
  if (upload.extraFile === true)
    form.append("file", new Blob([DEMO_VIDEO.slice()], { type: "video/mp4" }), "second.mp4");
  if (upload.request !== undefined)
    form.append(
      "request",
      typeof upload.request === "string" ? upload.request : JSON.stringify(upload.request),
    );
  return sendRequest(origin, caller, method, path, form);
}

/** Stores a video through the files area and returns its id. */
async function storeVideo(
  origin: string,
  caller: Caller,
  filename = "demo.mp4",
  bytes = DEMO_VIDEO,
): Promise<string> {
  const form = new FormData();
  form.append("file", new Blob([bytes.slice()], { type: "video/mp4" }), filename);
  form.append("purpose", "assistants");
  const file = jsonBody(await sendRequest(origin, caller, "POST", "/v1/files", form));
  return String(file["id"]);
}

async function addFailingModel(origin: string, caller: Caller): Promise<void> {
  await send(origin, caller, "POST", "/v1/core/add/model", {
    json: { name: "broken-vision", description: "", providerKey: "openai", model: "mock-provider-failure" },
  });
}

/** Returns every contract failure of a response: body, SSE events, comments, terminator and first event. */
const failuresOf = (operationId: string, exchange: MockExchange): unknown[] =>
  contractFailures(registry, operationId, exchange);
const body = jsonBody;
const data = (exchange: MockExchange): Record<string, unknown> => jsonData(exchange);
const report = (exchange: MockExchange): Record<string, unknown> =>
  data(exchange)["report"] as Record<string, unknown>;
const payloads = eventPayloads;

const PROMPT = {
  batchInstructions: "Describe what happens in these frames.",
  finalInstructions: "Summarize the clip as a timeline.",
  finalResponseFormat: {
    type: "json_schema",
    json_schema: {
      schema: {
        type: "object",
        properties: { events: { type: "array", items: { type: "string" } } },
        required: ["events"],
      },
    },
  },
};

/** Ids that later cases use: the stored file and the runs earlier cases start. */
interface CaseIds {
  fileId: string;
  runId: string;
  workflowRunId: string;
}

interface OperationCase {
  readonly name: string;
  readonly operationId: string;
  readonly caller: Caller;
  readonly method: string;
  readonly path: string | ((ids: CaseIds) => string);
  readonly json?: (ids: CaseIds) => unknown;
  readonly upload?: Upload;
  readonly status: number;
  /** Stores an id of the response for later cases. */
  readonly capture?: (exchange: MockExchange, ids: CaseIds) => void;
}

const generic = (ids: CaseIds, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  model: "msq-mock-chat",
  fileId: ids.fileId,
  options: { sampleFps: 1, framesPerBatch: 10 },
  prompt: PROMPT,
  ...extra,
});

/** Every operation's happy path and documented errors, in an order where later cases use earlier runs. */
const OPERATION_CASES: readonly OperationCase[] = [
  {
    name: "analyze stored video",
    operationId: "analyzeVideo",
    caller: "alice",
    method: "POST",
    path: "/v1/core/video/analyze",
    json: (ids) => generic(ids),
    status: 200,
  },
  {
    name: "analyze without key",
    operationId: "analyzeVideo",
    caller: "none",
    method: "POST",
    path: "/v1/core/video/analyze",
    json: (ids) => generic(ids),
    status: 401,
  },
  {
    name: "analyze without model",
    operationId: "analyzeVideo",
    caller: "alice",
    method: "POST",
    path: "/v1/core/video/analyze",
    json: (ids) => generic(ids, { model: undefined }),
    status: 400,
  },
  {
    name: "analyze without fileId",
    operationId: "analyzeVideo",
    caller: "alice",
    method: "POST",
    path: "/v1/core/video/analyze",
    json: (ids) => generic(ids, { fileId: undefined }),
    status: 400,
  },
  {
    name: "analyze without final instructions",
    operationId: "analyzeVideo",
    caller: "alice",
    method: "POST",
    path: "/v1/core/video/analyze",
    json: (ids) => generic(ids, { prompt: { batchInstructions: "x" } }),
    status: 400,
  },
  {
    name: "analyze with inverted clip",
    operationId: "analyzeVideo",
    caller: "alice",
    method: "POST",
    path: "/v1/core/video/analyze",
    json: (ids) => generic(ids, { options: { clipStartSec: 10, clipEndSec: 5 } }),
    status: 400,
  },
  {
    name: "analyze with invalid format",
    operationId: "analyzeVideo",
    caller: "alice",
    method: "POST",
    path: "/v1/core/video/analyze",
    json: (ids) => generic(ids, { prompt: { ...PROMPT, batchResponseFormat: { type: "xml" } } }),
    status: 400,
  },
  {
    name: "analyze unknown file",
    operationId: "analyzeVideo",
    caller: "alice",
    method: "POST",
    path: "/v1/core/video/analyze",
    json: (ids) => generic(ids, { fileId: "file_missing" }),
    status: 404,
  },
  {
    name: "analyze unknown model",
    operationId: "analyzeVideo",
    caller: "alice",
    method: "POST",
    path: "/v1/core/video/analyze",
    json: (ids) => generic(ids, { model: "no-such-model" }),
    status: 404,
  },
  {
    name: "analyze with failing provider",
    operationId: "analyzeVideo",
    caller: "alice",
    method: "POST",
    path: "/v1/core/video/analyze",
    json: (ids) => generic(ids, { model: "broken-vision" }),
    status: 500,
  },
  {
    name: "analyze upload",
    operationId: "analyzeUploadedVideo",
    caller: "alice",
    method: "POST",
    path: "/v1/core/video/analyze/upload",
    upload: { filename: "demo.mp4", request: { model: "msq-mock-chat", prompt: PROMPT } },
    status: 200,
  },
  {
    name: "analyze upload without file",
    operationId: "analyzeUploadedVideo",
    caller: "alice",
    method: "POST",
    path: "/v1/core/video/analyze/upload",
    upload: { filename: "", request: { model: "msq-mock-chat", prompt: PROMPT } },
    status: 400,
  },
  {
    name: "analyze upload of two files",
    operationId: "analyzeUploadedVideo",
    caller: "alice",
    method: "POST",
    path: "/v1/core/video/analyze/upload",
    upload: { filename: "demo.mp4", extraFile: true, request: { model: "msq-mock-chat", prompt: PROMPT } },
    status: 400,
  },
  {
    name: "analyze upload with wmv",
    operationId: "analyzeUploadedVideo",
    caller: "alice",
    method: "POST",
    path: "/v1/core/video/analyze/upload",
    upload: { filename: "demo.wmv", request: { model: "msq-mock-chat", prompt: PROMPT } },
    status: 400,
  },
  {
    name: "analyze upload with fileId",
    operationId: "analyzeUploadedVideo",
    caller: "alice",
    method: "POST",
    path: "/v1/core/video/analyze/upload",
    upload: { filename: "demo.mp4", request: { model: "msq-mock-chat", fileId: "file_x", prompt: PROMPT } },
    status: 400,
  },
  {
    name: "analyze upload with invalid json",
    operationId: "analyzeUploadedVideo",
    caller: "alice",
    method: "POST",
    path: "/v1/core/video/analyze/upload",
    upload: { filename: "demo.mp4", request: "{model" },
    status: 400,
  },
  {
    name: "analyze upload unknown model",
    operationId: "analyzeUploadedVideo",
    caller: "alice",
    method: "POST",
    path: "/v1/core/video/analyze/upload",
    upload: { filename: "demo.mov", request: { model: "nope", prompt: PROMPT } },
    status: 404,
  },
  {
    name: "analyze upload with failing provider",
    operationId: "analyzeUploadedVideo",
    caller: "alice",
    method: "POST",
    path: "/v1/core/video/analyze/upload",
    upload: { filename: "demo.mkv", request: { model: "broken-vision", prompt: PROMPT } },
    status: 500,
  },
  {
    name: "start run",
    operationId: "startVideoRun",
    caller: "alice",
    method: "POST",
    path: "/v1/core/video/runs",
    json: (ids) => generic(ids),
    status: 202,
    capture: (exchange, ids) => (ids.runId = String(data(exchange)["runId"])),
  },
  {
    name: "start run without prompt",
    operationId: "startVideoRun",
    caller: "alice",
    method: "POST",
    path: "/v1/core/video/runs",
    json: (ids) => generic(ids, { prompt: undefined }),
    status: 400,
  },
  {
    name: "start run unknown file",
    operationId: "startVideoRun",
    caller: "alice",
    method: "POST",
    path: "/v1/core/video/runs",
    json: (ids) => generic(ids, { fileId: "file_missing" }),
    status: 404,
  },
  {
    name: "start upload run",
    operationId: "startUploadedVideoRun",
    caller: "alice",
    method: "POST",
    path: "/v1/core/video/runs/upload",
    upload: { filename: "demo.webm", request: { model: "msq-mock-chat", prompt: PROMPT } },
    status: 202,
  },
  {
    name: "start upload run with avi name",
    operationId: "startUploadedVideoRun",
    caller: "alice",
    method: "POST",
    path: "/v1/core/video/runs/upload",
    upload: { filename: "demo.AVI", request: { model: "msq-mock-chat", prompt: PROMPT } },
    status: 202,
  },
  {
    name: "start upload run without file",
    operationId: "startUploadedVideoRun",
    caller: "alice",
    method: "POST",
    path: "/v1/core/video/runs/upload",
    upload: { filename: "", request: { model: "msq-mock-chat", prompt: PROMPT } },
    status: 400,
  },
  {
    name: "start upload run unknown model",
    operationId: "startUploadedVideoRun",
    caller: "alice",
    method: "POST",
    path: "/v1/core/video/runs/upload",
    upload: { filename: "demo.mp4", request: { model: "nope", prompt: PROMPT } },
    status: 404,
  },
  {
    name: "workflow analyze",
    operationId: "analyzeVideoToWorkflow",
    caller: "alice",
    method: "POST",
    path: "/v1/core/video-to-workflow/analyze",
    json: (ids) => ({ model: "msq-mock-chat", fileId: ids.fileId }),
    status: 200,
  },
  {
    name: "workflow analyze without fileId",
    operationId: "analyzeVideoToWorkflow",
    caller: "alice",
    method: "POST",
    path: "/v1/core/video-to-workflow/analyze",
    json: () => ({ model: "msq-mock-chat" }),
    status: 400,
  },
  {
    name: "workflow analyze unknown model",
    operationId: "analyzeVideoToWorkflow",
    caller: "alice",
    method: "POST",
    path: "/v1/core/video-to-workflow/analyze",
    json: (ids) => ({ model: "nope", fileId: ids.fileId }),
    status: 404,
  },
  {
    name: "workflow analyze failing provider",
    operationId: "analyzeVideoToWorkflow",
    caller: "alice",
    method: "POST",
    path: "/v1/core/video-to-workflow/analyze",
    json: (ids) => ({ model: "broken-vision", fileId: ids.fileId }),
    status: 500,
  },
  {
    name: "workflow analyze upload",
    operationId: "analyzeUploadedVideoToWorkflow",
    caller: "alice",
    method: "POST",
    path: "/v1/core/video-to-workflow/analyze/upload",
    upload: { filename: "screen.mov", request: { model: "msq-mock-chat" } },
    status: 200,
  },
  {
    name: "workflow analyze upload with ogg",
    operationId: "analyzeUploadedVideoToWorkflow",
    caller: "alice",
    method: "POST",
    path: "/v1/core/video-to-workflow/analyze/upload",
    upload: { filename: "screen.ogg", request: { model: "msq-mock-chat" } },
    status: 400,
  },
  {
    name: "workflow analyze upload unknown model",
    operationId: "analyzeUploadedVideoToWorkflow",
    caller: "alice",
    method: "POST",
    path: "/v1/core/video-to-workflow/analyze/upload",
    upload: { filename: "screen.mov", request: { model: "nope" } },
    status: 404,
  },
  {
    name: "workflow analyze upload failing provider",
    operationId: "analyzeUploadedVideoToWorkflow",
    caller: "alice",
    method: "POST",
    path: "/v1/core/video-to-workflow/analyze/upload",
    upload: { filename: "screen.mov", request: { model: "broken-vision" } },
    status: 500,
  },
  {
    name: "workflow run",
    operationId: "startVideoToWorkflowRun",
    caller: "alice",
    method: "POST",
    path: "/v1/core/video-to-workflow/runs",
    json: (ids) => ({ model: "msq-mock-chat", fileId: ids.fileId }),
    status: 202,
    capture: (exchange, ids) => (ids.workflowRunId = String(data(exchange)["runId"])),
  },
  {
    name: "workflow run invalid options",
    operationId: "startVideoToWorkflowRun",
    caller: "alice",
    method: "POST",
    path: "/v1/core/video-to-workflow/runs",
    json: (ids) => ({ model: "msq-mock-chat", fileId: ids.fileId, options: { sampleFps: 0 } }),
    status: 400,
  },
  {
    name: "workflow run unknown file",
    operationId: "startVideoToWorkflowRun",
    caller: "alice",
    method: "POST",
    path: "/v1/core/video-to-workflow/runs",
    json: () => ({ model: "msq-mock-chat", fileId: "file_missing" }),
    status: 404,
  },
  {
    name: "workflow upload run",
    operationId: "startUploadedVideoToWorkflowRun",
    caller: "alice",
    method: "POST",
    path: "/v1/core/video-to-workflow/runs/upload",
    upload: { filename: "screen.m4v", request: { model: "msq-mock-chat" } },
    status: 202,
  },
  {
    name: "workflow upload run with fileId",
    operationId: "startUploadedVideoToWorkflowRun",
    caller: "alice",
    method: "POST",
    path: "/v1/core/video-to-workflow/runs/upload",
    upload: { filename: "screen.m4v", request: { model: "msq-mock-chat", fileId: "f" } },
    status: 400,
  },
  {
    name: "workflow upload run unknown model",
    operationId: "startUploadedVideoToWorkflowRun",
    caller: "alice",
    method: "POST",
    path: "/v1/core/video-to-workflow/runs/upload",
    upload: { filename: "screen.m4v", request: { model: "nope" } },
    status: 404,
  },
  {
    name: "get run",
    operationId: "getVideoRun",
    caller: "alice",
    method: "GET",
    path: (ids) => `/v1/core/video/runs/${ids.runId}`,
    status: 200,
  },
  {
    name: "get blank run",
    operationId: "getVideoRun",
    caller: "alice",
    method: "GET",
    path: "/v1/core/video/runs/%20",
    status: 400,
  },
  {
    name: "get unknown run",
    operationId: "getVideoRun",
    caller: "alice",
    method: "GET",
    path: "/v1/core/video/runs/vid_run_missing",
    status: 404,
  },
  {
    name: "stream run",
    operationId: "streamVideoRun",
    caller: "alice",
    method: "GET",
    path: (ids) => `/v1/core/video/runs/${ids.workflowRunId}/stream`,
    status: 200,
  },
  {
    name: "stream blank run",
    operationId: "streamVideoRun",
    caller: "alice",
    method: "GET",
    path: "/v1/core/video/runs/%20/stream",
    status: 400,
  },
  {
    name: "stream unknown run",
    operationId: "streamVideoRun",
    caller: "alice",
    method: "GET",
    path: "/v1/core/video/runs/vid_run_missing/stream",
    status: 404,
  },
  {
    name: "cancel run",
    operationId: "cancelVideoRun",
    caller: "alice",
    method: "POST",
    path: (ids) => `/v1/core/video/runs/${ids.runId}/cancel`,
    status: 200,
  },
  {
    name: "cancel blank run",
    operationId: "cancelVideoRun",
    caller: "alice",
    method: "POST",
    path: "/v1/core/video/runs/%20/cancel",
    status: 400,
  },
  {
    name: "cancel unknown run",
    operationId: "cancelVideoRun",
    caller: "alice",
    method: "POST",
    path: "/v1/core/video/runs/vid_run_missing/cancel",
    status: 404,
  },
];

function sendCase(origin: string, testCase: OperationCase, ids: CaseIds): Promise<MockExchange> {
  const path = typeof testCase.path === "string" ? testCase.path : testCase.path(ids);
  const json = testCase.json?.(ids);
  return send(origin, testCase.caller, testCase.method, path, {
    ...(json === undefined ? {} : { json }),
    ...(testCase.upload === undefined ? {} : { upload: testCase.upload }),
  });
}

describe("video operations", () => {
  let mock: RunningMock;
  const ids: CaseIds = { fileId: "", runId: "", workflowRunId: "" };

  beforeAll(async () => {
    mock = await startMock();
    ids.fileId = await storeVideo(mock.origin, "alice");
    await addFailingModel(mock.origin, "alice");
  });

  afterAll(async () => {
    await mock.close();
  });

  test("cases cover every operation", () => {
    const documented = registry
      .operations()
      .filter((operation) => operation.tag === "Video")
      .map((operation) => operation.operationId)
      .sort();
    expect([...new Set(OPERATION_CASES.map((testCase) => testCase.operationId))].sort()).toEqual(documented);
  });

  test.each(OPERATION_CASES.map((testCase) => [testCase.name, testCase] as const))(
    "%s",
    async (_name, testCase) => {
      const exchange = await sendCase(mock.origin, testCase, ids);
      expect(exchange.status).toBe(testCase.status);
      expect(failuresOf(testCase.operationId, exchange)).toEqual([]);
      testCase.capture?.(exchange, ids);
    },
  );
});

describe("video reports", () => {
  let mock: RunningMock;
  let fileId: string;

  beforeAll(async () => {
    mock = await startMock();
    fileId = await storeVideo(mock.origin, "alice", "crm-demo.mp4");
  });

  afterAll(async () => {
    await mock.close();
  });

  const analyze = (json: Record<string, unknown>): Promise<MockExchange> =>
    send(mock.origin, "alice", "POST", "/v1/core/video/analyze", {
      json: { model: "msq-mock-chat", fileId, prompt: PROMPT, ...json },
    });

  test("metadata from the mp4 header", async () => {
    const generic = report(await analyze({}));
    expect(generic["metadata"]).toEqual({ durationSec: 42.5, fps: 30, width: 1920, height: 1080 });
    expect(generic["source"]).toEqual({ type: "fileId", fileId, filename: "crm-demo.mp4" });
  });

  test("frames follow the sampling", async () => {
    const generic = report(await analyze({ options: { sampleFps: 2, framesPerBatch: 25 } }));
    const batches = generic["batches"] as Record<string, unknown>[];
    expect(generic["framesAnalyzed"]).toBe(85);
    expect(batches.map((batch) => batch["frameCount"])).toEqual([25, 25, 25, 10]);
    expect(batches.at(-1)?.["endSec"]).toBe(42.5);
  });

  test("clip range bounds the frames", async () => {
    const generic = report(await analyze({ options: { clipStartSec: 10, clipEndSec: 20 } }));
    const batches = generic["batches"] as Record<string, unknown>[];
    expect(generic["framesAnalyzed"]).toBe(10);
    expect(batches[0]?.["startSec"]).toBe(10);
    expect(batches.at(-1)?.["endSec"]).toBe(20);
  });

  test("frame limit adds a warning", async () => {
    const generic = report(await analyze({ options: { maxTotalFrames: 20 } }));
    expect(generic["framesAnalyzed"]).toBe(20);
    expect(generic["warnings"]).toEqual(["Sampled 20 of 42 frames because of the frame limit of 20."]);
  });

  test("clip past the end has no frames", async () => {
    const generic = report(await analyze({ options: { clipStartSec: 60 } }));
    expect(generic["framesAnalyzed"]).toBe(0);
    expect(generic["batches"]).toEqual([]);
    expect((generic["warnings"] as string[]).length).toBe(1);
  });

  test("final result follows its schema", async () => {
    const generic = report(await analyze({}));
    const final = generic["finalResult"] as Record<string, unknown>;
    expect(Array.isArray((final["parsed"] as Record<string, unknown>)["events"])).toBe(true);
    expect(JSON.parse(String(final["rawText"]))).toEqual(final["parsed"]);
  });

  test("usage adds up", async () => {
    const generic = report(await analyze({}));
    const batches = generic["batches"] as { usage: Record<string, number> }[];
    const final = (generic["finalResult"] as { usage: Record<string, number> }).usage;
    const total = generic["totalUsage"] as Record<string, number>;
    const prompt =
      batches.reduce((sum, batch) => sum + (batch.usage["promptTokens"] ?? 0), 0) +
      (final["promptTokens"] ?? 0);
    expect(total["promptTokens"]).toBe(prompt);
    expect(total["totalTokens"]).toBe((total["promptTokens"] ?? 0) + (total["completionTokens"] ?? 0));
  });

  test("same input, same report", async () => {
    expect((await analyze({})).text).toBe((await analyze({})).text);
  });

  test("other bytes, other report", async () => {
    const otherId = await storeVideo(
      mock.origin,
      "alice",
      "crm-demo.mp4",
      mp4Bytes(42.5, 1920, 1080).fill(1, 200, 300),
    );
    const other = await send(mock.origin, "alice", "POST", "/v1/core/video/analyze", {
      json: { model: "msq-mock-chat", fileId: otherId, prompt: PROMPT },
    });
    expect(other.text.replace(otherId, fileId)).not.toBe((await analyze({})).text);
  });

  test("workflow report lists steps", async () => {
    const workflow = report(
      await send(mock.origin, "alice", "POST", "/v1/core/video-to-workflow/analyze", {
        json: { model: "msq-mock-chat", fileId },
      }),
    );
    const steps = workflow["steps"] as Record<string, unknown>[];
    expect(steps.length).toBe(5);
    expect(steps.map((step) => step["index"])).toEqual([0, 1, 2, 3, 4]);
    expect((workflow["identifiedServices"] as string[]).length).toBeGreaterThan(0);
    expect(typeof workflow["goalSummary"]).toBe("string");
    expect(workflow["durationSec"]).toBe(42.5);
  });

  test("unreadable container gets assumed metadata", () => {
    expect(readVideoMetadata(new Uint8Array(512 * 1024))).toEqual({
      durationSec: 2,
      fps: 30,
      width: 1280,
      height: 720,
    });
  });
});

/** Chat timing under which a 43-frame analysis (6 model passes) takes a few hundred ms. */
const SLOW_TIMING: TimingModel = {
  ...ZERO_TIMING,
  chat: { ttftMs: 40, interTokenMs: 2, tokensPerChunk: 4, outputTokens: 16 },
  videoHeartbeatMs: 25,
};

describe("video run lifecycle", () => {
  let mock: RunningMock;
  let fileId: string;

  beforeAll(async () => {
    mock = await startMock({ timing: SLOW_TIMING });
    fileId = await storeVideo(mock.origin, "alice");
    await addFailingModel(mock.origin, "alice");
  });

  afterAll(async () => {
    await mock.close();
  });

  async function startRun(model = "msq-mock-chat"): Promise<string> {
    const started = await send(mock.origin, "alice", "POST", "/v1/core/video/runs", {
      json: { model, fileId, prompt: PROMPT },
    });
    expect(data(started)["status"]).toBe("queued");
    return String(data(started)["runId"]);
  }

  async function stream(runId: string): Promise<{ exchange: MockExchange; comments: readonly string[] }> {
    const exchange = await sendRequest(mock.origin, "alice", "GET", `/v1/core/video/runs/${runId}/stream`);
    return { exchange, comments: exchange.comments };
  }

  test("live stream reaches the result", async () => {
    const runId = await startRun();
    const { exchange, comments } = await stream(runId);
    const types = payloads(exchange).map((payload) => payload["type"]);
    expect(types[0]).toBe("snapshot");
    expect(types.at(-1)).toBe("result");
    expect(exchange.events?.at(-1)).toBe("[DONE]");
    expect(comments.length).toBeGreaterThan(0);
    expect(failuresOf("streamVideoRun", exchange)).toEqual([]);

    const run = data(await send(mock.origin, "alice", "GET", `/v1/core/video/runs/${runId}`));
    expect(run["status"]).toBe("completed");
    expect(run["result"]).toEqual(payloads(exchange).at(-1)?.["result"]);
  });

  test("ended run streams three events", async () => {
    const runId = await startRun();
    await stream(runId);
    const { exchange } = await stream(runId);
    expect(payloads(exchange).map((payload) => payload["type"])).toEqual(["snapshot", "result"]);
    expect(exchange.events?.at(-1)).toBe("[DONE]");
  });

  test("cancel ends a live run", async () => {
    const runId = await startRun();
    const streaming = stream(runId);
    const cancelled = await send(mock.origin, "alice", "POST", `/v1/core/video/runs/${runId}/cancel`);
    expect(data(cancelled)["status"]).toBe("cancelled");
    expect(typeof data(cancelled)["cancelledAt"]).toBe("number");
    const { exchange } = await streaming;
    expect(payloads(exchange).at(-1)?.["type"]).toBe("cancelled");
    expect(failuresOf("streamVideoRun", exchange)).toEqual([]);
    const later = data(await send(mock.origin, "alice", "GET", `/v1/core/video/runs/${runId}`));
    expect(later["status"]).toBe("cancelled");
    expect(later["result"]).toBeUndefined();
  });

  test("cancel leaves an ended run", async () => {
    const runId = await startRun();
    await stream(runId);
    const cancelled = await send(mock.origin, "alice", "POST", `/v1/core/video/runs/${runId}/cancel`);
    expect(data(cancelled)["status"]).toBe("completed");
    expect(data(cancelled)["cancelledAt"]).toBeUndefined();
  });

  test("failing provider ends in error", async () => {
    const runId = await startRun("broken-vision");
    const { exchange } = await stream(runId);
    const last = payloads(exchange).at(-1) ?? {};
    expect(last["type"]).toBe("error");
    expect(failuresOf("streamVideoRun", exchange)).toEqual([]);
    const run = data(await send(mock.origin, "alice", "GET", `/v1/core/video/runs/${runId}`));
    expect(run["status"]).toBe("error");
    expect(run["errorStage"]).toBe("batch");
    expect(run["failedBatchIndex"]).toBe(1);
    expect(run["attemptCount"]).toBe(3);
    expect(((run["partialResult"] as Record<string, unknown>)["batches"] as unknown[]).length).toBe(1);
  });

  test("sync analysis waits for the passes", async () => {
    const started = performance.now();
    await send(mock.origin, "alice", "POST", "/v1/core/video/analyze", {
      json: { model: "msq-mock-chat", fileId, prompt: PROMPT },
    });
    // Six passes of at least ttftMs (40 ms) each.
    expect(performance.now() - started).toBeGreaterThanOrEqual(6 * 40);
  });
});

describe("video namespacing", () => {
  let mock: RunningMock;
  let fileId: string;
  let runId: string;

  beforeAll(async () => {
    mock = await startMock();
    fileId = await storeVideo(mock.origin, "alice");
    const started = await send(mock.origin, "alice", "POST", "/v1/core/video/runs", {
      json: { model: "msq-mock-chat", fileId, prompt: PROMPT },
    });
    runId = String(data(started)["runId"]);
  });

  afterAll(async () => {
    await mock.close();
  });

  test.each([
    ["get", "GET", ""],
    ["stream", "GET", "/stream"],
    ["cancel", "POST", "/cancel"],
  ])("bob gets 404 on %s", async (_name, method, suffix) => {
    const exchange = await send(mock.origin, "bob", method, `/v1/core/video/runs/${runId}${suffix}`);
    expect(exchange.status).toBe(404);
    expect(body(exchange)["error"]).toEqual({ message: "Video processing run not found." });
  });

  test("bob cannot analyze alice's file", async () => {
    const exchange = await send(mock.origin, "bob", "POST", "/v1/core/video/analyze", {
      json: { model: "msq-mock-chat", fileId, prompt: PROMPT },
    });
    expect(exchange.status).toBe(404);
  });

  test("alice's run is unchanged", async () => {
    expect(data(await send(mock.origin, "alice", "GET", `/v1/core/video/runs/${runId}`))["status"]).toBe(
      "completed",
    );
  });
});

describe("video adapters", () => {
  const MSW_ORIGIN = "http://127.0.0.1:4997";
  let msw: MswDeployment;
  let httpMock: RunningMock;
  const httpIds: CaseIds = { fileId: "", runId: "", workflowRunId: "" };
  const mswIds: CaseIds = { fileId: "", runId: "", workflowRunId: "" };

  beforeAll(async () => {
    httpMock = await startMock();
    msw = await startMswDeployment(MSW_ORIGIN);
    httpIds.fileId = await storeVideo(httpMock.origin, "alice");
    mswIds.fileId = await storeVideo(MSW_ORIGIN, "alice");
    await addFailingModel(httpMock.origin, "alice");
    await addFailingModel(MSW_ORIGIN, "alice");
  });

  afterAll(async () => {
    msw.close();
    await httpMock.close();
  });

  // The cases run in order on both deployments, so their stores and id sequences stay in step.
  test.each(OPERATION_CASES.map((testCase) => [testCase.name, testCase] as const))(
    "%s answers alike",
    async (_name, testCase) => {
      const overHttp = await sendCase(httpMock.origin, testCase, httpIds);
      const inProcess = await sendCase(MSW_ORIGIN, testCase, mswIds);
      testCase.capture?.(overHttp, httpIds);
      testCase.capture?.(inProcess, mswIds);
      expectSameResponse(overHttp, inProcess);
    },
  );
});

/** For each video fault, a probe that returns true when the documented rule was broken. */
const PROBES: Readonly<Record<string, (mock: RunningMock) => Promise<boolean>>> = {
  "video-run-stream-done-missing": async (mock) => {
    const runId = await startStoredRun(mock, "alice");
    return (
      (await send(mock.origin, "alice", "GET", `/v1/core/video/runs/${runId}/stream`)).events?.at(-1) !==
      "[DONE]"
    );
  },
  "video-run-stream-snapshot-not-first": async (mock) => {
    const runId = await startStoredRun(mock, "alice");
    const first = payloads(await send(mock.origin, "alice", "GET", `/v1/core/video/runs/${runId}/stream`))[0];
    return first?.["type"] !== "snapshot";
  },
  "video-run-of-other-account-visible": async (mock) => {
    const runId = await startStoredRun(mock, "alice");
    return (await send(mock.origin, "bob", "GET", `/v1/core/video/runs/${runId}`)).status !== 404;
  },
  "video-error-body-flat": async (mock) => {
    const missing = await send(mock.origin, "alice", "GET", "/v1/core/video/runs/vid_run_missing");
    return typeof (body(missing)["error"] as Record<string, unknown> | undefined)?.["message"] !== "string";
  },
  "video-upload-extension-not-checked": async (mock) =>
    (
      await send(mock.origin, "alice", "POST", "/v1/core/video/analyze/upload", {
        upload: { filename: "clip.wmv", request: { model: "msq-mock-chat", prompt: PROMPT } },
      })
    ).status !== 400,
};

async function startStoredRun(mock: RunningMock, caller: Caller): Promise<string> {
  const fileId = await storeVideo(mock.origin, caller);
  const started = await send(mock.origin, caller, "POST", "/v1/core/video/runs", {
    json: { model: "msq-mock-chat", fileId, prompt: PROMPT },
  });
  return String(data(started)["runId"]);
}

describe("video faults", () => {
  test("every fault has a probe", () => {
    expect(Object.keys(PROBES).sort()).toEqual(faultNamesOf("video"));
  });

  test.each(Object.entries(PROBES))("%s breaks its rule", async (name, probe) => {
    await expectProbeBreaksRule(name, probe);
  });
});
