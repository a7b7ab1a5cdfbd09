import { setTimeout as sleep } from "node:timers/promises";
import { describe, test, type TestContext } from "vitest";
import { field } from "./support/body-fields.ts";
import { jsonBody } from "./support/fixtures.ts";
import type { Harness } from "./support/harness.ts";
import {
  covers,
  requireMockFeatures,
  requireResource,
  requireSecondAccount,
  requireWrites,
} from "./support/requirements.ts";
import { setupSuite } from "./support/suite-setup.ts";
import { verify, type Coverage } from "./support/verify.ts";

/** Most polls of a run's status before the test gives up; with the pause below, about 15 s. */
const MAX_POLLS = 60;
const POLL_PAUSE_MS = 250;
const PROMPT = { batchInstructions: "Describe these frames.", finalInstructions: "Summarize the clip." };
/** A few bytes named as an MP4 file. Only the mock analyzes them; a real deployment cannot decode them. */
const FAKE_VIDEO = new TextEncoder().encode("\u0000\u0000\u0000\u0018ftypmp42msqh-contract-test-video");

const runStatus = (body: unknown): string | undefined => {
  const status = field(field(body, "data"), "status");
  return typeof status === "string" ? status : undefined;
};

/** Starts a video run from an upload and returns its id; needs the mock, which analyzes any bytes. */
async function startUploadedRun(
  context: TestContext,
  harness: Harness,
  checks: readonly Coverage[],
): Promise<string> {
  requireWrites(context, harness, checks);
  requireMockFeatures(
    context,
    harness,
    "a video the target can decode (the harness ships only placeholder bytes)",
    checks,
  );
  const model = requireResource(context, harness, "chatModel", checks);
  const call = await harness.primary.call("startUploadedVideoRun", {
    multipart: [
      { name: "request", value: JSON.stringify({ model, prompt: PROMPT }) },
      { name: "file", filename: "clip.mp4", contentType: "video/mp4", data: FAKE_VIDEO },
    ],
  });
  verify(context, harness, call, {
    kind: "expected-status",
    statuses: [202],
    reason: "a video run is started",
  });
  const runId = field(field(jsonBody(call), "data"), "runId") ?? field(jsonBody(call), "runId");
  if (typeof runId !== "string") throw new Error("startUploadedVideoRun returned no runId.");
  return runId;
}

for (const { harness } of setupSuite(["video", "files", "common"])) {
  describe(harness.label, () => {
    describe("video", () => {
      describe.sequential("video runs", () => {
        test("uploaded run streams to its end", async (context) => {
          const checks = [
            covers("startUploadedVideoRun"),
            covers("streamVideoRun", "sse-first-event", "sse-terminator-last", "sse-comment-conformance"),
          ];
          const runId = await startUploadedRun(context, harness, checks);
          const stream = await harness.primary.call("streamVideoRun", { params: { runId } });
          verify(context, harness, stream);
          let run = await harness.primary.call("getVideoRun", { params: { runId } });
          for (
            let poll = 1;
            poll < MAX_POLLS &&
            !["completed", "error", "cancelled"].includes(runStatus(jsonBody(run)) ?? "completed");
            poll += 1
          ) {
            await sleep(POLL_PAUSE_MS);
            run = await harness.primary.call("getVideoRun", { params: { runId } });
          }
          verify(context, harness, run, {
            kind: "lifecycle",
            step: "run-finished",
            resource: "video run",
            id: runId,
            expectedStatuses: ["completed"],
            statusOf: runStatus,
          });
          const cancel = await harness.primary.call("cancelVideoRun", { params: { runId } });
          verify(context, harness, cancel);
        });

        test("second account cannot reach the run", async (context) => {
          const checks = [
            covers("getVideoRun", "namespacing-foreign-read-rejected"),
            covers("cancelVideoRun", "namespacing-foreign-change-rejected"),
          ];
          const other = requireSecondAccount(context, harness, checks);
          const runId = await startUploadedRun(context, harness, checks);
          for (const operationId of ["getVideoRun", "streamVideoRun"] as const) {
            const call = await other.call(operationId, { params: { runId } });
            verify(context, harness, call, {
              kind: "foreign-access",
              action: "read",
              resource: "video run",
              id: runId,
            });
          }
          const cancel = await other.call("cancelVideoRun", { params: { runId } });
          verify(context, harness, cancel, {
            kind: "foreign-access",
            action: "change",
            resource: "video run",
            id: runId,
          });
        });

        test("synchronous analysis of an upload", async (context) => {
          const checks = [covers("analyzeUploadedVideo"), covers("analyzeUploadedVideoToWorkflow")];
          requireWrites(context, harness, checks);
          requireMockFeatures(
            context,
            harness,
            "a video the target can decode (the harness ships only placeholder bytes)",
            checks,
          );
          const model = requireResource(context, harness, "chatModel", checks);
          const generic = await harness.primary.call("analyzeUploadedVideo", {
            multipart: [
              { name: "request", value: JSON.stringify({ model, prompt: PROMPT }) },
              { name: "file", filename: "clip.mp4", contentType: "video/mp4", data: FAKE_VIDEO },
            ],
          });
          verify(context, harness, generic);
          const toWorkflow = await harness.primary.call("analyzeUploadedVideoToWorkflow", {
            multipart: [
              { name: "request", value: JSON.stringify({ model }) },
              { name: "file", filename: "clip.mp4", contentType: "video/mp4", data: FAKE_VIDEO },
            ],
          });
          verify(context, harness, toWorkflow);
        });
      });

      describe("video errors", () => {
        test.for([
          ["analyzeVideo", "fileId is missing", { model: "any-model", prompt: PROMPT }],
          ["analyzeVideo", "prompt is missing", { model: "any-model", fileId: "file-msqh-absent" }],
          ["startVideoRun", "model is missing", { fileId: "file-msqh-absent", prompt: PROMPT }],
          ["analyzeVideoToWorkflow", "fileId is missing", { model: "any-model" }],
          ["startVideoToWorkflowRun", "model is missing", { fileId: "file-msqh-absent" }],
        ] as const)("%s rejects when %s", async ([operationId, reason, json], context) => {
          requireWrites(context, harness, [covers(operationId, "documented-error-status")]);
          const call = await harness.primary.call(operationId, { json });
          verify(context, harness, call, { kind: "expected-status", statuses: [400], reason });
        });

        test.for([
          "startUploadedVideoRun",
          "analyzeUploadedVideo",
          "startUploadedVideoToWorkflowRun",
          "analyzeUploadedVideoToWorkflow",
        ] as const)("%s rejects a file without a video extension", async (operationId, context) => {
          requireWrites(context, harness, [covers(operationId, "documented-error-status")]);
          const call = await harness.primary.call(operationId, {
            multipart: [
              {
                name: "request",
                value: JSON.stringify({
                  model: "any-model",
                  ...(operationId.includes("Workflow") ? {} : { prompt: PROMPT }),
                }),
              },
              { name: "file", filename: "clip.txt", contentType: "text/plain", data: FAKE_VIDEO },
            ],
          });
          verify(context, harness, call, {
            kind: "expected-status",
            statuses: [400],
            reason: "the file name has no supported video extension",
          });
        });

        test.for(["getVideoRun", "streamVideoRun", "cancelVideoRun"] as const)(
          "%s of an unknown run gets 404",
          async (operationId, context) => {
            const call = await harness.primary.call(operationId, { params: { runId: "vrun_msqh_absent" } });
            verify(context, harness, call, {
              kind: "expected-status",
              statuses: [404],
              reason: "the run does not exist",
            });
          },
        );
      });
    });
  });
}
