import { setTimeout as sleep } from "node:timers/promises";
import { describe, test, type TestContext } from "vitest";
import { createTestAgent } from "./support/agent-fixtures.ts";
import type { AccountClient, Call } from "./support/account-client.ts";
import { arrayField, field, stringsOf } from "./support/body-fields.ts";
import { jsonBody } from "./support/fixtures.ts";
import type { Harness } from "./support/harness.ts";
import { covers, requireResource, requireSecondAccount, requireWrites } from "./support/requirements.ts";
import type { ResourceTracker } from "./support/resource-tracker.ts";
import { setupSuite } from "./support/suite-setup.ts";
import { verify, type Coverage } from "./support/verify.ts";

/** Most polls of a run's status before the test gives up; with the pause below, about 15 s. */
const MAX_POLLS = 60;
const POLL_PAUSE_MS = 250;

const workflowIds = (body: unknown): string[] => stringsOf(arrayField(body, "data"), "id");
const runIds = (body: unknown): string[] => stringsOf(arrayField(body, "data"), "runId");
const runStatus = (body: unknown): string | undefined => {
  const status = field(field(body, "data"), "status");
  return typeof status === "string" ? status : undefined;
};

/**
 * Creates an agent and a workflow config whose main agent it is, both tracked for teardown. The
 * agent's maxTokens makes its reply long enough for a stream to see the run in progress.
 */
async function createWorkflow(
  context: TestContext,
  harness: Harness,
  tracker: ResourceTracker,
  checks: readonly Coverage[],
  maxTokens = 200,
): Promise<{ id: string; name: string; entry: string }> {
  requireWrites(context, harness, checks);
  const model = requireResource(context, harness, "chatModel", checks);
  const agent = await createTestAgent(context, harness, tracker, harness.primary, model);
  const options = await harness.primary.call("updateAgent", {
    json: { name: agent.name, modelOptions: { maxTokens } },
  });
  verify(context, harness, options, { kind: "lifecycle", step: "update", resource: "agent", id: agent.name });
  const name = harness.uniqueName("workflow");
  const call = await harness.primary.call("createWorkflow", {
    json: {
      name,
      mainAgentRef: `agent/${agent.id}`,
      mainPrompt: "Summarize {{ topic }} in one line.",
      dataPayload: '{"topic":"contract tests"}',
    },
  });
  verify(context, harness, call, [
    { kind: "lifecycle", step: "create", resource: "workflow" },
    {
      kind: "body-rule",
      rule: "A created config carries the defaults concurrency 1 and delimiter |#|.",
      problems: (body) => {
        const data = field(body, "data");
        const problems: string[] = [];
        if (field(data, "concurrency") !== 1)
          problems.push(`concurrency ${JSON.stringify(field(data, "concurrency"))}`);
        if (field(data, "delimiter") !== "|#|")
          problems.push(`delimiter ${JSON.stringify(field(data, "delimiter"))}`);
        return problems;
      },
    },
  ]);
  const id = field(field(jsonBody(call), "data"), "id");
  if (typeof id !== "string") throw new Error("createWorkflow returned no data.id.");
  const entry = tracker.track("workflow", id, "primary", { operationId: "deleteWorkflow", params: { id } });
  return { id, name, entry };
}

/** Starts a run of a workflow config and returns its id. */
async function startRun(context: TestContext, harness: Harness, workflowId: string): Promise<string> {
  const call = await harness.primary.call("startWorkflowRun", { json: { workflowId } });
  verify(context, harness, call, { kind: "expected-status", statuses: [202], reason: "a run is started" });
  const runId = field(jsonBody(call), "runId");
  if (typeof runId !== "string") throw new Error("startWorkflowRun returned no runId.");
  return runId;
}

/** Polls a run until its status is terminal (or MAX_POLLS pass) and returns the last read. */
async function awaitRunEnd(client: AccountClient, runId: string): Promise<Call> {
  let call = await client.call("getWorkflowRun", { params: { runId } });
  for (let poll = 1; poll < MAX_POLLS; poll += 1) {
    const status = runStatus(jsonBody(call));
    if (status === undefined || ["completed", "error", "cancelled"].includes(status)) break;
    await sleep(POLL_PAUSE_MS);
    call = await client.call("getWorkflowRun", { params: { runId } });
  }
  return call;
}

for (const { harness, tracker } of setupSuite(["workflows", "agents", "common"])) {
  describe(harness.label, () => {
    describe("workflows", () => {
      test("lists workflow configs", async (context) => {
        const call = await harness.primary.call("listWorkflows");
        verify(context, harness, call);
      });

      describe.sequential("workflow config lifecycle", () => {
        test("create, list, update, delete, gone", async (context) => {
          const checks = [
            covers("createWorkflow", "lifecycle-create-succeeds"),
            covers("deleteWorkflow", "lifecycle-delete-succeeds"),
          ];
          const workflow = await createWorkflow(context, harness, tracker, checks, 16);
          const listed = await harness.primary.call("listWorkflows");
          verify(context, harness, listed, {
            kind: "lifecycle",
            step: "list",
            resource: "workflow",
            id: workflow.id,
            expected: "present",
            listedIds: workflowIds,
          });
          const renamed = `${workflow.name}-renamed`;
          const updated = await harness.primary.call("updateWorkflow", {
            params: { id: workflow.id },
            json: { name: renamed },
          });
          verify(context, harness, updated, {
            kind: "lifecycle",
            step: "update",
            resource: "workflow",
            id: workflow.id,
          });
          const reread = await harness.primary.call("listWorkflows");
          verify(context, harness, reread, {
            kind: "lifecycle",
            step: "read-after-update",
            resource: "workflow",
            id: workflow.id,
            unapplied: (body) => {
              const entry = arrayField(body, "data").find((item) => field(item, "id") === workflow.id);
              return field(entry, "name") === renamed ? [] : [`name ${JSON.stringify(field(entry, "name"))}`];
            },
          });
          const deleted = await harness.primary.call("deleteWorkflow", { params: { id: workflow.id } });
          verify(context, harness, deleted, {
            kind: "lifecycle",
            step: "delete",
            resource: "workflow",
            id: workflow.id,
          });
          tracker.forget(workflow.entry);
          const after = await harness.primary.call("listWorkflows");
          verify(context, harness, after, {
            kind: "lifecycle",
            step: "list",
            resource: "workflow",
            id: workflow.id,
            expected: "absent",
            listedIds: workflowIds,
          });
        });
      });

      describe("workflow errors", () => {
        test("deleting an unknown config reports Not found", async (context) => {
          requireWrites(context, harness, [covers("deleteWorkflow", "documented-error-status")]);
          const call = await harness.primary.call("deleteWorkflow", { params: { id: "wf_msqh_absent" } });
          verify(context, harness, call, [
            { kind: "expected-status", statuses: [200], reason: "the config does not exist" },
            {
              kind: "body-rule",
              rule: "Deleting an unknown config answers success: false with message Not found.",
              problems: (body) =>
                field(body, "success") === false && field(body, "message") === "Not found"
                  ? []
                  : [`body ${JSON.stringify(body)}`],
            },
          ]);
        });

        test.for([
          [
            "updateWorkflow",
            404,
            "the config does not exist",
            { params: { id: "wf_msqh_absent" }, json: { name: "x" } },
          ],
          ["startWorkflowRun", 400, "workflowId is missing", { json: {} }],
          ["startWorkflowRun", 404, "the config does not exist", { json: { workflowId: "wf_msqh_absent" } }],
          ["getWorkflowRun", 404, "the run does not exist", { params: { runId: "wf_run_msqh_absent" } }],
          [
            "createWorkflow",
            400,
            "dataPayload is not a JSON object",
            { json: { name: "msqh-never-created", dataPayload: "[1,2]" } },
          ],
        ] as const)("%s answers %i when %s", async ([operationId, status, reason, options], context) => {
          if (operationId !== "getWorkflowRun")
            requireWrites(context, harness, [covers(operationId, "documented-error-status")]);
          const call = await harness.primary.call(operationId, options);
          verify(context, harness, call, { kind: "expected-status", statuses: [status], reason });
        });

        test("agent workflow without messages", async (context) => {
          const call = await harness.primary.call("streamAgentWorkflow", {
            json: { agentName: "msqh-absent-agent" },
          });
          verify(context, harness, call, {
            kind: "expected-status",
            statuses: [400],
            reason: "messages is missing",
          });
        });
      });

      describe.sequential("workflow runs", () => {
        test("run streams to completion", async (context) => {
          const checks = [
            covers("startWorkflowRun", "lifecycle-run-finishes"),
            covers("streamWorkflowRun", "sse-first-event", "sse-comment-conformance", "sse-terminator-last"),
          ];
          const workflow = await createWorkflow(context, harness, tracker, checks);
          const runId = await startRun(context, harness, workflow.id);
          const stream = await harness.primary.call("streamWorkflowRun", { params: { runId } });
          verify(context, harness, stream);
          const finished = await awaitRunEnd(harness.primary, runId);
          verify(context, harness, finished, {
            kind: "lifecycle",
            step: "run-finished",
            resource: "workflow run",
            id: runId,
            expectedStatuses: ["completed"],
            statusOf: runStatus,
          });
          const hydrated = await harness.primary.call("getHydratedWorkflowRun", { params: { runId } });
          verify(context, harness, hydrated);
          const runs = await harness.primary.call("listWorkflowRuns", { params: { id: workflow.id } });
          verify(context, harness, runs, {
            kind: "lifecycle",
            step: "list",
            resource: "workflow run",
            id: runId,
            expected: "present",
            listedIds: runIds,
          });
          for (const limit of [0, 500]) {
            const clamped = await harness.primary.call("listWorkflowRuns", {
              params: { id: workflow.id },
              query: { limit },
            });
            verify(context, harness, clamped, {
              kind: "expected-status",
              statuses: [200],
              reason: `limit ${limit} is clamped into 1..100`,
            });
          }
          const late = await harness.primary.call("cancelWorkflowRun", { params: { runId } });
          verify(context, harness, late, {
            kind: "body-rule",
            rule: "Cancelling a run that already ended answers found: true with cancelled: false.",
            problems: (body) =>
              field(body, "found") === true && field(body, "cancelled") === false
                ? []
                : [
                    `found ${JSON.stringify(field(body, "found"))} and cancelled ${JSON.stringify(field(body, "cancelled"))}`,
                  ],
          });
        });

        test("cancelled run ends cancelled", async (context) => {
          const checks = [covers("cancelWorkflowRun", "lifecycle-run-finishes")];
          const workflow = await createWorkflow(context, harness, tracker, checks, 2_000);
          const runId = await startRun(context, harness, workflow.id);
          const cancel = await harness.primary.call("cancelWorkflowRun", { params: { runId } });
          verify(context, harness, cancel);
          const finished = await awaitRunEnd(harness.primary, runId);
          verify(context, harness, finished, {
            kind: "lifecycle",
            step: "run-finished",
            resource: "workflow run",
            id: runId,
            expectedStatuses: ["cancelled"],
            statusOf: runStatus,
          });
          const stream = await harness.primary.call("streamWorkflowRun", { params: { runId } });
          verify(context, harness, stream);
        });

        test("second account cannot reach the run", async (context) => {
          const checks = [
            covers("getWorkflowRun", "namespacing-foreign-read-rejected"),
            covers("cancelWorkflowRun", "namespacing-foreign-change-rejected"),
          ];
          const other = requireSecondAccount(context, harness, checks);
          const workflow = await createWorkflow(context, harness, tracker, checks, 16);
          const runId = await startRun(context, harness, workflow.id);
          for (const operationId of [
            "getWorkflowRun",
            "getHydratedWorkflowRun",
            "streamWorkflowRun",
          ] as const) {
            const call = await other.call(operationId, { params: { runId } });
            verify(context, harness, call, {
              kind: "foreign-access",
              action: "read",
              resource: "workflow run",
              id: runId,
            });
          }
          const cancel = await other.call("cancelWorkflowRun", { params: { runId } });
          verify(context, harness, cancel, {
            kind: "foreign-access",
            action: "change",
            resource: "workflow run",
            id: runId,
          });
          const runs = await other.call("listWorkflowRuns", { params: { id: workflow.id } });
          verify(context, harness, runs, {
            kind: "foreign-access",
            action: "read",
            resource: "workflow",
            id: workflow.id,
          });
          const stillMine = await awaitRunEnd(harness.primary, runId);
          verify(context, harness, stillMine, {
            kind: "lifecycle",
            step: "run-finished",
            resource: "workflow run",
            id: runId,
            expectedStatuses: ["completed"],
            statusOf: runStatus,
          });
        });
      });

      test("agent workflow stream", async (context) => {
        const checks = [covers("streamAgentWorkflow", "response-header-conformance", "sse-terminator-last")];
        requireWrites(context, harness, checks);
        const model = requireResource(context, harness, "chatModel", checks);
        const agent = await createTestAgent(context, harness, tracker, harness.primary, model);
        const call = await harness.primary.call("streamAgentWorkflow", {
          json: {
            agentName: agent.name,
            messages: [{ role: "user", content: "Summarize {{ topic }}." }],
            data: { topic: "tests" },
          },
        });
        verify(context, harness, call);
      });
    });
  });
}
