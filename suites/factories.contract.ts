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
const TERMINAL = ["completed", "cancelled", "error"];

const ids = (body: unknown): string[] => stringsOf(arrayField(body, "data"), "id");
const runIds = (body: unknown): string[] => stringsOf(arrayField(body, "data"), "runId");
const stepRunIds = (body: unknown): string[] => stringsOf(arrayField(body, "data"), "stepRunId");
const runStatus = (body: unknown): string | undefined => {
  const status = field(field(body, "data"), "status");
  return typeof status === "string" ? status : undefined;
};
const notFoundRule = {
  kind: "body-rule" as const,
  rule: "Deleting an unknown factory config answers success: false.",
  problems: (body: unknown) =>
    field(body, "success") === false ? [] : [`success ${JSON.stringify(field(body, "success"))}`],
};

/**
 * Creates an agent and a one-step factory config on it, both tracked for teardown. With `loops`,
 * the step loops back to itself that many times, so the run lasts long enough to pause and stream
 * (the mock runs factory steps without delays).
 */
async function createFactory(
  context: TestContext,
  harness: Harness,
  tracker: ResourceTracker,
  checks: readonly Coverage[],
  maxTokens = 100,
  loops?: number,
): Promise<{ id: string; name: string; entry: string }> {
  requireWrites(context, harness, checks);
  const model = requireResource(context, harness, "chatModel", checks);
  const agent = await createTestAgent(context, harness, tracker, harness.primary, model);
  const options = await harness.primary.call("updateAgent", {
    json: { name: agent.name, modelOptions: { maxTokens } },
  });
  verify(context, harness, options, { kind: "lifecycle", step: "update", resource: "agent", id: agent.name });
  const name = harness.uniqueName("factory");
  const call = await harness.primary.call("createFactory", {
    json: {
      name,
      description: "Created by msq-harness contract suites",
      steps: [
        {
          name: "Answer",
          kind: "agent",
          agentRef: { agentRef: `agent/${agent.id}` },
          ...(loops === undefined
            ? { transition: { kind: "stop" } }
            : {
                limitStepInvocations: true,
                maxStepInvocations: loops,
                transition: { kind: "loop_to_index", targetIndex: 0 },
              }),
        },
      ],
    },
  });
  verify(context, harness, call, [
    { kind: "lifecycle", step: "create", resource: "factory" },
    { kind: "expected-status", statuses: [200], reason: "a factory config is created" },
  ]);
  const id = field(field(jsonBody(call), "data"), "id");
  if (typeof id !== "string") throw new Error("createFactory returned no data.id.");
  const entry = tracker.track("factory", id, "primary", { operationId: "deleteFactory", params: { id } });
  return { id, name, entry };
}

async function startRun(context: TestContext, harness: Harness, factoryConfigId: string): Promise<string> {
  const call = await harness.primary.call("startFactoryRun", { json: { factoryConfigId } });
  verify(context, harness, call, {
    kind: "expected-status",
    statuses: [202],
    reason: "a factory run is started",
  });
  const runId = field(jsonBody(call), "runId");
  if (typeof runId !== "string") throw new Error("startFactoryRun returned no runId.");
  return runId;
}

async function awaitRunEnd(client: AccountClient, runId: string): Promise<Call> {
  let call = await client.call("getFactoryRun", { params: { runId } });
  for (let poll = 1; poll < MAX_POLLS; poll += 1) {
    const status = runStatus(jsonBody(call));
    if (status === undefined || TERMINAL.includes(status)) break;
    await sleep(POLL_PAUSE_MS);
    call = await client.call("getFactoryRun", { params: { runId } });
  }
  return call;
}

for (const { harness, tracker } of setupSuite(["factories", "agents", "common"])) {
  describe(harness.label, () => {
    describe("factories", () => {
      test("lists factory configs and schedules", async (context) => {
        const factories = await harness.primary.call("listFactories");
        verify(context, harness, factories);
        const schedules = await harness.primary.call("listFactorySchedules");
        verify(context, harness, schedules);
      });

      describe.sequential("factory config lifecycle", () => {
        test("create, read, list, update, delete, gone", async (context) => {
          const checks = [
            covers("createFactory", "lifecycle-create-succeeds"),
            covers("deleteFactory", "lifecycle-delete-succeeds"),
          ];
          const factory = await createFactory(context, harness, tracker, checks);
          const read = await harness.primary.call("getFactory", { params: { id: factory.id } });
          verify(context, harness, read, {
            kind: "lifecycle",
            step: "read",
            resource: "factory",
            id: factory.id,
            idIn: (body) => [String(field(field(body, "data"), "id"))],
          });
          const listed = await harness.primary.call("listFactories");
          verify(context, harness, listed, {
            kind: "lifecycle",
            step: "list",
            resource: "factory",
            id: factory.id,
            expected: "present",
            listedIds: ids,
          });
          const renamed = `${factory.name}-renamed`;
          const updated = await harness.primary.call("updateFactory", {
            params: { id: factory.id },
            json: { name: renamed },
          });
          verify(context, harness, updated, {
            kind: "lifecycle",
            step: "update",
            resource: "factory",
            id: factory.id,
          });
          const reread = await harness.primary.call("getFactory", { params: { id: factory.id } });
          verify(context, harness, reread, {
            kind: "lifecycle",
            step: "read-after-update",
            resource: "factory",
            id: factory.id,
            unapplied: (body) =>
              field(field(body, "data"), "name") === renamed
                ? []
                : [`name ${JSON.stringify(field(field(body, "data"), "name"))}`],
          });
          const deleted = await harness.primary.call("deleteFactory", { params: { id: factory.id } });
          verify(context, harness, deleted, {
            kind: "lifecycle",
            step: "delete",
            resource: "factory",
            id: factory.id,
          });
          tracker.forget(factory.entry);
          const gone = await harness.primary.call("getFactory", { params: { id: factory.id } });
          verify(context, harness, gone, {
            kind: "lifecycle",
            step: "read-after-delete",
            resource: "factory",
            id: factory.id,
          });
        });
      });

      describe("factory errors", () => {
        test("deleting an unknown config reports success false", async (context) => {
          requireWrites(context, harness, [covers("deleteFactory", "documented-error-status")]);
          const call = await harness.primary.call("deleteFactory", { params: { id: "fac_msqh_absent" } });
          verify(context, harness, call, [
            { kind: "expected-status", statuses: [200], reason: "the config does not exist" },
            notFoundRule,
          ]);
        });

        test.for([
          ["createFactory", 400, "steps is missing", { json: { name: "msqh-never-created" } }],
          ["getFactory", 404, "the config does not exist", { params: { id: "fac_msqh_absent" } }],
          ["startFactoryRun", 400, "factoryConfigId is missing", { json: {} }],
          [
            "startFactoryRun",
            404,
            "the config does not exist",
            { json: { factoryConfigId: "fac_msqh_absent" } },
          ],
          ["getFactoryRun", 404, "the run does not exist", { params: { runId: "frun_msqh_absent" } }],
          [
            "createFactorySchedule",
            400,
            "timesToRun is missing",
            { json: { factoryConfigId: "fac_msqh_absent" } },
          ],
        ] as const)("%s answers %i when %s", async ([operationId, status, reason, options], context) => {
          if (!operationId.startsWith("get"))
            requireWrites(context, harness, [covers(operationId, "documented-error-status")]);
          const call = await harness.primary.call(operationId, options);
          verify(context, harness, call, { kind: "expected-status", statuses: [status], reason });
        });
      });

      describe.sequential("factory runs", () => {
        test("run streams, completes, and ignores a late pause", async (context) => {
          const checks = [
            covers("startFactoryRun", "lifecycle-run-finishes"),
            covers("streamFactoryRun", "sse-first-event", "sse-comment-conformance"),
          ];
          const factory = await createFactory(context, harness, tracker, checks, 200);
          const runId = await startRun(context, harness, factory.id);
          const stream = await harness.primary.call("streamFactoryRun", { params: { runId } });
          verify(context, harness, stream);
          const finished = await awaitRunEnd(harness.primary, runId);
          verify(context, harness, finished, {
            kind: "lifecycle",
            step: "run-finished",
            resource: "factory run",
            id: runId,
            expectedStatuses: ["completed"],
            statusOf: runStatus,
          });
          const runs = await harness.primary.call("listFactoryRuns", { params: { id: factory.id } });
          verify(context, harness, runs, {
            kind: "lifecycle",
            step: "list",
            resource: "factory run",
            id: runId,
            expected: "present",
            listedIds: runIds,
          });
          const steps = await harness.primary.call("listFactoryStepRuns", { params: { runId } });
          verify(context, harness, steps);
          const stepRunId = stepRunIds(jsonBody(steps))[0];
          if (stepRunId !== undefined) {
            const step = await harness.primary.call("getFactoryStepRun", { params: { runId, stepRunId } });
            verify(context, harness, step);
            const hydrated = await harness.primary.call("getHydratedFactoryStepRun", {
              params: { runId, stepRunId },
            });
            verify(context, harness, hydrated);
          }
          const pause = await harness.primary.call("pauseFactoryRun", { params: { runId } });
          verify(context, harness, pause, {
            kind: "body-rule",
            rule: "Pausing a run that already ended changes nothing and answers noop: true.",
            problems: (body) =>
              field(body, "noop") === true ? [] : [`noop ${JSON.stringify(field(body, "noop"))}`],
          });
          const stream2 = await harness.primary.call("streamFactoryRun", { params: { runId } });
          verify(context, harness, stream2);
        });

        test("paused run streams heartbeats, resumes and is cancelled", async (context) => {
          const checks = [
            covers("cancelFactoryRun", "lifecycle-run-finishes"),
            covers("streamFactoryRun", "sse-comment-conformance"),
          ];
          // On a real deployment a long reply keeps the run going; the mock loops a step instead.
          const mock = harness.target.mockFeatures;
          const factory = await createFactory(
            context,
            harness,
            tracker,
            checks,
            mock ? 16 : 3_000,
            mock ? 10_000 : undefined,
          );
          const runId = await startRun(context, harness, factory.id);
          const pause = await harness.primary.call("pauseFactoryRun", { params: { runId } });
          verify(context, harness, pause);
          // The stream of a paused run stays open and sends heartbeats until the run is cancelled.
          const streaming = harness.primary.call("streamFactoryRun", { params: { runId } });
          await sleep(mock ? 100 : 1_000);
          const resume = await harness.primary.call("resumeFactoryRun", { params: { runId } });
          verify(context, harness, resume);
          const cancel = await harness.primary.call("cancelFactoryRun", { params: { runId } });
          verify(context, harness, cancel);
          verify(context, harness, await streaming);
          const finished = await awaitRunEnd(harness.primary, runId);
          verify(context, harness, finished, {
            kind: "lifecycle",
            step: "run-finished",
            resource: "factory run",
            id: runId,
            expectedStatuses: ["cancelled"],
            statusOf: runStatus,
          });
        });

        test("second account cannot reach the run", async (context) => {
          const checks = [
            covers("getFactoryRun", "namespacing-foreign-read-rejected"),
            covers("cancelFactoryRun", "namespacing-foreign-change-rejected"),
          ];
          const other = requireSecondAccount(context, harness, checks);
          const factory = await createFactory(context, harness, tracker, checks);
          const runId = await startRun(context, harness, factory.id);
          for (const operationId of ["getFactoryRun", "listFactoryStepRuns", "streamFactoryRun"] as const) {
            const call = await other.call(operationId, { params: { runId } });
            verify(context, harness, call, {
              kind: "foreign-access",
              action: "read",
              resource: "factory run",
              id: runId,
            });
          }
          for (const operationId of ["pauseFactoryRun", "cancelFactoryRun"] as const) {
            const call = await other.call(operationId, { params: { runId } });
            verify(context, harness, call, {
              kind: "foreign-access",
              action: "change",
              resource: "factory run",
              id: runId,
            });
          }
          const foreignConfig = await other.call("getFactory", { params: { id: factory.id } });
          verify(context, harness, foreignConfig, {
            kind: "foreign-access",
            action: "read",
            resource: "factory",
            id: factory.id,
          });
        });
      });

      describe.sequential("factory schedules", () => {
        test("create, update, toggle, list, delete", async (context) => {
          const checks = [
            covers("createFactorySchedule", "response-body-rule"),
            covers("deleteFactorySchedule", "lifecycle-delete-succeeds"),
          ];
          const factory = await createFactory(context, harness, tracker, checks);
          const nextRunRule = {
            kind: "body-rule" as const,
            rule: "A factory schedule carries the nextRunAt the server computed.",
            problems: (body: unknown) =>
              field(field(body, "data"), "nextRunAt") === undefined ? ["no data.nextRunAt"] : [],
          };
          const startDate = Date.now() + 7 * 86_400_000;
          const created = await harness.primary.call("createFactorySchedule", {
            json: {
              factoryConfigId: factory.id,
              timesToRun: [{ hour: 13, minute: 0 }],
              label: harness.uniqueName("schedule"),
              startDate,
              repeatInterval: "weekly",
              daysOfWeek: [1],
              status: "disabled",
            },
          });
          verify(context, harness, created, [
            { kind: "lifecycle", step: "create", resource: "factory schedule" },
            nextRunRule,
          ]);
          const id = field(field(jsonBody(created), "data"), "id");
          if (typeof id !== "string") throw new Error("createFactorySchedule returned no data.id.");
          const entry = tracker.track("factory schedule", id, "primary", {
            operationId: "deleteFactorySchedule",
            params: { id },
          });
          const updated = await harness.primary.call("updateFactorySchedule", {
            params: { id },
            json: { label: harness.uniqueName("schedule") },
          });
          verify(context, harness, updated, [
            { kind: "lifecycle", step: "update", resource: "factory schedule", id },
            nextRunRule,
          ]);
          const toggled = await harness.primary.call("toggleFactorySchedule", { params: { id } });
          verify(context, harness, toggled, nextRunRule);
          const listed = await harness.primary.call("listFactorySchedules");
          verify(context, harness, listed, {
            kind: "lifecycle",
            step: "list",
            resource: "factory schedule",
            id,
            expected: "present",
            listedIds: ids,
          });
          const deleted = await harness.primary.call("deleteFactorySchedule", { params: { id } });
          verify(context, harness, deleted, {
            kind: "lifecycle",
            step: "delete",
            resource: "factory schedule",
            id,
          });
          tracker.forget(entry);
          const after = await harness.primary.call("listFactorySchedules");
          verify(context, harness, after, {
            kind: "lifecycle",
            step: "list",
            resource: "factory schedule",
            id,
            expected: "absent",
            listedIds: ids,
          });
        });
      });
    });
  });
}
