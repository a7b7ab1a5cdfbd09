import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { forwardedType } from "../../src/mock/areas/factories/factory-steps.ts";
import { nextRunAt, type ScheduleFields } from "../../src/mock/areas/factories/factory-schedules.ts";
import { STARTABLE_FACTORIES } from "../../src/mock/run-directory.ts";
import { startMock, type RunningMock } from "../../src/mock/server.ts";
import { ZERO_TIMING, type TimingModel } from "../../src/mock/timing-model.ts";
import { ValidatorRegistry } from "../../src/validation/validator-registry.ts";
import { expectSameResponse, startMswDeployment, type MswDeployment } from "./support/adapter-pair.ts";
import { contractFailures } from "./support/contract-checks.ts";
import { expectProbeBreaksRule, faultNamesOf } from "./support/fault-probes.ts";
import {
  eventPayloads,
  eventTypes,
  jsonBody,
  jsonData,
  sendRequest as send,
  type Caller,
  type MockExchange,
} from "./support/mock-exchange.ts";
import { waitFor } from "./support/wait-for.ts";

let registry: ValidatorRegistry;

beforeAll(async () => {
  registry = await ValidatorRegistry.load();
});

/** Reads a run stream with its comment lines. */
async function stream(
  origin: string,
  caller: Caller,
  runId: string,
): Promise<{ exchange: MockExchange; comments: readonly string[] }> {
  const exchange = await send(origin, caller, "GET", `/v1/core/factory-runs/${runId}/stream`);
  return { exchange, comments: exchange.comments };
}

/** Returns every contract failure of a response: body, SSE events, comments, terminator and first event. */
const failuresOf = (operationId: string, exchange: MockExchange): unknown[] =>
  contractFailures(registry, operationId, exchange);
const body = jsonBody;
const data = (exchange: MockExchange): Record<string, unknown> => jsonData(exchange);
const list = (exchange: MockExchange): Record<string, unknown>[] => jsonData(exchange);
const types = eventTypes;

/** Resources of alice that factories refer to. */
interface Fixtures {
  readonly researcherId: string;
  readonly flakyId: string;
  readonly workflowId: string;
}

/** Creates alice's agents (one published and shared with carol, one on a failing provider) and a workflow config. */
async function prepare(origin: string): Promise<Fixtures> {
  const agent = async (name: string, model: string): Promise<string> => {
    const created = await send(origin, "alice", "POST", "/v1/core/add/agent", {
      name,
      description: name,
      systemPrompt: "Be brief.",
      model,
    });
    return String(data(created)["id"]);
  };
  await send(origin, "alice", "POST", "/v1/core/add/model", {
    name: "broken",
    description: "",
    providerKey: "openai",
    model: "mock-provider-failure",
  });
  const researcherId = await agent("researcher", "msq-mock-chat");
  const editorId = await agent("editor", "msq-mock-chat");
  const flakyId = await agent("flaky", "broken");
  await send(origin, "alice", "POST", "/v1/core/agents/publish", { agentId: editorId, agentName: "editor" });
  await send(origin, "alice", "POST", "/v1/core/agents/alice/editor/shares", { recipient: "carol" });
  const workflow = await send(origin, "alice", "POST", "/v1/core/workflows", {
    name: "Draft",
    mainAgentRef: `agent/${researcherId}`,
    mainPrompt: "Draft a note about {{topic}}.",
    dataPayload: JSON.stringify({ topic: "factories" }),
  });
  return { researcherId, flakyId, workflowId: String(data(workflow)["id"]) };
}

function pipeline(fixtures: Fixtures, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: "Research, draft, polish",
    description: "Three steps",
    steps: [
      { name: "Research", kind: "agent", agentRef: { agentId: fixtures.researcherId } },
      {
        name: "Draft",
        kind: "workflow",
        workflowRef: {
          workflowConfigId: fixtures.workflowId,
          payloadSchema: { type: "object", properties: { topic: { type: "string" } }, required: ["topic"] },
          fixerAgentRef: `agent/${fixtures.researcherId}`,
          maxRepairAttempts: 2,
        },
      },
      {
        name: "Polish",
        kind: "agent",
        agentRef: { agentRef: "shared/alice/editor", promptOverride: "Polish this." },
        transition: { kind: "stop" },
      },
    ],
    ...extra,
  };
}

function agentStep(fixtures: Fixtures, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: "Research",
    kind: "agent",
    agentRef: { agentRef: `agent/${fixtures.researcherId}` },
    ...extra,
  };
}

/** Ids later cases use: alice's fixtures, her factory, run, step runs and schedule. */
interface CaseIds {
  fixtures: Fixtures;
  factoryId: string;
  runId: string;
  agentStepRunId: string;
  workflowStepRunId: string;
  scheduleId: string;
}

interface OperationCase {
  readonly name: string;
  readonly operationId: string;
  readonly caller: Caller;
  readonly method: string;
  readonly path: string | ((ids: CaseIds) => string);
  readonly json?: (ids: CaseIds) => unknown;
  readonly status: number;
  /** `errorCode` the 400 or 403 body must carry. */
  readonly errorCode?: string;
  readonly capture?: (exchange: MockExchange, ids: CaseIds) => void;
}

/** A create with one invalid part, which must fail with `errorCode`. */
function invalidCreate(
  errorCode: string,
  json: (ids: CaseIds) => unknown,
  caller: Caller = "alice",
): OperationCase {
  return {
    name: `create ${errorCode}`,
    operationId: "createFactory",
    caller,
    method: "POST",
    path: "/v1/core/factories",
    json,
    status: 400,
    errorCode,
  };
}

const OPERATION_CASES: readonly OperationCase[] = [
  {
    name: "create factory",
    operationId: "createFactory",
    caller: "alice",
    method: "POST",
    path: "/v1/core/factories",
    json: (ids) => pipeline(ids.fixtures),
    status: 200,
    capture: (exchange, ids) => (ids.factoryId = String(data(exchange)["id"])),
  },
  {
    name: "create without key",
    operationId: "createFactory",
    caller: "none",
    method: "POST",
    path: "/v1/core/factories",
    json: (ids) => pipeline(ids.fixtures),
    status: 401,
  },
  invalidCreate("FACTORY_INVALID_NAME", (ids) => pipeline(ids.fixtures, { name: "  " })),
  invalidCreate("FACTORY_STEPS_REQUIRED", (ids) => pipeline(ids.fixtures, { steps: [] })),
  invalidCreate("FACTORY_STEP_KIND_MISMATCH", (ids) => ({
    name: "x",
    steps: [agentStep(ids.fixtures, { workflowRef: { workflowConfigId: ids.fixtures.workflowId } })],
  })),
  invalidCreate("FACTORY_STEP_AGENT_REF_INVALID", (ids) => ({
    name: "x",
    steps: [agentStep(ids.fixtures, { agentRef: { agentRef: "agents:researcher" } })],
  })),
  invalidCreate("FACTORY_STEP_AGENT_NOT_FOUND", (ids) => ({
    name: "x",
    steps: [agentStep(ids.fixtures, { agentRef: { agentRef: "agent/agt_missing" } })],
  })),
  // alice published editor and shared it with carol only.
  invalidCreate(
    "FACTORY_STEP_AGENT_FORBIDDEN",
    () => ({ name: "x", steps: [{ kind: "agent", agentRef: { agentRef: "shared/alice/editor" } }] }),
    "bob",
  ),
  invalidCreate(
    "FACTORY_STEP_AGENT_NOT_FOUND",
    () => ({ name: "x", steps: [{ kind: "agent", agentRef: { agentRef: "shared/alice/nobody" } }] }),
    "bob",
  ),
  invalidCreate("FACTORY_STEP_WORKFLOW_NOT_FOUND", () => ({
    name: "x",
    steps: [{ kind: "workflow", workflowRef: { workflowConfigId: "wf_cfg_missing" } }],
  })),
  invalidCreate("FACTORY_STEP_SCHEMA_INVALID", (ids) => ({
    name: "x",
    steps: [
      {
        kind: "workflow",
        workflowRef: { workflowConfigId: ids.fixtures.workflowId, payloadSchema: { type: "nonsense" } },
      },
    ],
  })),
  invalidCreate("FACTORY_STEP_FIXER_AGENT_REF_INVALID", (ids) => ({
    name: "x",
    steps: [
      {
        kind: "workflow",
        workflowRef: { workflowConfigId: ids.fixtures.workflowId, fixerAgentRef: "fixer" },
      },
    ],
  })),
  invalidCreate("FACTORY_STEP_FIXER_AGENT_NOT_FOUND", (ids) => ({
    name: "x",
    steps: [
      {
        kind: "workflow",
        workflowRef: { workflowConfigId: ids.fixtures.workflowId, fixerAgentId: "agt_missing" },
      },
    ],
  })),
  invalidCreate("FACTORY_MAX_INVOCATIONS_OUT_OF_RANGE", (ids) => ({
    name: "x",
    limitTotalInvocations: true,
    maxTotalInvocations: 0,
    steps: [agentStep(ids.fixtures, { transition: { kind: "loop_to_index", targetIndex: 0 } })],
  })),
  invalidCreate("FACTORY_INVALID_TRANSITION", (ids) => ({
    name: "x",
    steps: [agentStep(ids.fixtures, { transition: { kind: "loop_to_index", targetIndex: 3 } })],
  })),
  invalidCreate("FACTORY_CONTINUOUS_NO_LOOP", (ids) => ({
    name: "x",
    continuous: true,
    steps: [agentStep(ids.fixtures)],
  })),
  invalidCreate("FACTORY_TOTAL_RUN_CAP_REQUIRES_LAST_STEP_LOOP", (ids) => ({
    name: "x",
    limitTotalInvocations: true,
    maxTotalInvocations: 5,
    steps: [agentStep(ids.fixtures)],
  })),
  {
    name: "list factories",
    operationId: "listFactories",
    caller: "alice",
    method: "GET",
    path: "/v1/core/factories",
    status: 200,
  },
  {
    name: "get factory",
    operationId: "getFactory",
    caller: "alice",
    method: "GET",
    path: (ids) => `/v1/core/factories/${ids.factoryId}`,
    status: 200,
  },
  {
    name: "get unknown factory",
    operationId: "getFactory",
    caller: "alice",
    method: "GET",
    path: "/v1/core/factories/fac_cfg_missing",
    status: 404,
  },
  {
    name: "update factory",
    operationId: "updateFactory",
    caller: "alice",
    method: "PUT",
    path: (ids) => `/v1/core/factories/${ids.factoryId}`,
    json: () => ({ description: "Weekly edition" }),
    status: 200,
  },
  {
    name: "update with invalid transition",
    operationId: "updateFactory",
    caller: "alice",
    method: "PUT",
    path: (ids) => `/v1/core/factories/${ids.factoryId}`,
    json: () => ({ continuous: true }),
    status: 400,
  },
  {
    name: "update unknown factory",
    operationId: "updateFactory",
    caller: "alice",
    method: "PUT",
    path: "/v1/core/factories/fac_cfg_missing",
    json: () => ({ name: "x" }),
    status: 404,
  },
  {
    name: "start run",
    operationId: "startFactoryRun",
    caller: "alice",
    method: "POST",
    path: "/v1/core/factory-runs",
    json: (ids) => ({
      factoryConfigId: ids.factoryId,
      initialCarryPayload: "Research MissionSquad factories.",
    }),
    status: 202,
    capture: (exchange, ids) => (ids.runId = String(body(exchange)["runId"])),
  },
  {
    name: "start without config id",
    operationId: "startFactoryRun",
    caller: "alice",
    method: "POST",
    path: "/v1/core/factory-runs",
    json: () => ({}),
    status: 400,
  },
  {
    name: "start unknown config",
    operationId: "startFactoryRun",
    caller: "alice",
    method: "POST",
    path: "/v1/core/factory-runs",
    json: () => ({ factoryConfigId: "fac_cfg_missing" }),
    status: 404,
  },
  {
    name: "list runs",
    operationId: "listFactoryRuns",
    caller: "alice",
    method: "GET",
    path: (ids) => `/v1/core/factories/${ids.factoryId}/runs?limit=500`,
    status: 200,
  },
  {
    name: "list runs of unknown factory",
    operationId: "listFactoryRuns",
    caller: "alice",
    method: "GET",
    path: "/v1/core/factories/fac_cfg_missing/runs",
    status: 404,
  },
  {
    name: "get run",
    operationId: "getFactoryRun",
    caller: "alice",
    method: "GET",
    path: (ids) => `/v1/core/factory-runs/${ids.runId}`,
    status: 200,
  },
  {
    name: "get unknown run",
    operationId: "getFactoryRun",
    caller: "alice",
    method: "GET",
    path: "/v1/core/factory-runs/fac_run_missing",
    status: 404,
  },
  {
    name: "list step runs",
    operationId: "listFactoryStepRuns",
    caller: "alice",
    method: "GET",
    path: (ids) => `/v1/core/factory-runs/${ids.runId}/steps?limit=0`,
    status: 200,
    capture: (exchange, ids) => {
      ids.agentStepRunId = String(list(exchange)[0]?.["stepRunId"]);
    },
  },
  {
    name: "list all step runs",
    operationId: "listFactoryStepRuns",
    caller: "alice",
    method: "GET",
    path: (ids) => `/v1/core/factory-runs/${ids.runId}/steps`,
    status: 200,
    capture: (exchange, ids) => {
      ids.workflowStepRunId = String(list(exchange)[1]?.["stepRunId"]);
    },
  },
  {
    name: "list steps of unknown run",
    operationId: "listFactoryStepRuns",
    caller: "alice",
    method: "GET",
    path: "/v1/core/factory-runs/fac_run_missing/steps",
    status: 404,
  },
  {
    name: "get step run",
    operationId: "getFactoryStepRun",
    caller: "alice",
    method: "GET",
    path: (ids) => `/v1/core/factory-runs/${ids.runId}/steps/${ids.agentStepRunId}`,
    status: 200,
  },
  {
    name: "get unknown step run",
    operationId: "getFactoryStepRun",
    caller: "alice",
    method: "GET",
    path: (ids) => `/v1/core/factory-runs/${ids.runId}/steps/fsr_missing`,
    status: 404,
  },
  {
    name: "hydrate agent step",
    operationId: "getHydratedFactoryStepRun",
    caller: "alice",
    method: "GET",
    path: (ids) => `/v1/core/factory-runs/${ids.runId}/steps/${ids.agentStepRunId}/hydrated`,
    status: 200,
  },
  {
    name: "hydrate workflow step",
    operationId: "getHydratedFactoryStepRun",
    caller: "alice",
    method: "GET",
    path: (ids) => `/v1/core/factory-runs/${ids.runId}/steps/${ids.workflowStepRunId}/hydrated`,
    status: 200,
  },
  {
    name: "hydrate unknown step",
    operationId: "getHydratedFactoryStepRun",
    caller: "alice",
    method: "GET",
    path: (ids) => `/v1/core/factory-runs/${ids.runId}/steps/fsr_missing/hydrated`,
    status: 404,
  },
  {
    name: "stream run",
    operationId: "streamFactoryRun",
    caller: "alice",
    method: "GET",
    path: (ids) => `/v1/core/factory-runs/${ids.runId}/stream`,
    status: 200,
  },
  {
    name: "stream unknown run",
    operationId: "streamFactoryRun",
    caller: "alice",
    method: "GET",
    path: "/v1/core/factory-runs/fac_run_missing/stream",
    status: 404,
  },
  {
    name: "pause ended run",
    operationId: "pauseFactoryRun",
    caller: "alice",
    method: "POST",
    path: (ids) => `/v1/core/factory-runs/${ids.runId}/pause`,
    status: 200,
  },
  {
    name: "pause unknown run",
    operationId: "pauseFactoryRun",
    caller: "alice",
    method: "POST",
    path: "/v1/core/factory-runs/fac_run_missing/pause",
    status: 404,
  },
  {
    name: "resume run not paused",
    operationId: "resumeFactoryRun",
    caller: "alice",
    method: "POST",
    path: (ids) => `/v1/core/factory-runs/${ids.runId}/resume`,
    status: 200,
  },
  {
    name: "resume unknown run",
    operationId: "resumeFactoryRun",
    caller: "alice",
    method: "POST",
    path: "/v1/core/factory-runs/fac_run_missing/resume",
    status: 404,
  },
  {
    name: "cancel ended run",
    operationId: "cancelFactoryRun",
    caller: "alice",
    method: "POST",
    path: (ids) => `/v1/core/factory-runs/${ids.runId}/cancel`,
    status: 200,
  },
  {
    name: "cancel blank run",
    operationId: "cancelFactoryRun",
    caller: "alice",
    method: "POST",
    path: "/v1/core/factory-runs/%20/cancel",
    status: 400,
  },
  {
    name: "cancel unknown run",
    operationId: "cancelFactoryRun",
    caller: "alice",
    method: "POST",
    path: "/v1/core/factory-runs/fac_run_missing/cancel",
    status: 404,
  },
  {
    name: "create schedule",
    operationId: "createFactorySchedule",
    caller: "alice",
    method: "POST",
    path: "/v1/core/factory-schedules",
    json: (ids) => ({
      factoryConfigId: ids.factoryId,
      label: "Weekdays",
      repeatInterval: "weekly",
      daysOfWeek: [1, 2, 3, 4, 5],
      timesToRun: [{ hour: 13, minute: 0 }],
      initialCarryPayload: "digest",
    }),
    status: 200,
    capture: (exchange, ids) => (ids.scheduleId = String(data(exchange)["id"])),
  },
  {
    name: "create schedule without config",
    operationId: "createFactorySchedule",
    caller: "alice",
    method: "POST",
    path: "/v1/core/factory-schedules",
    json: () => ({ timesToRun: [{ hour: 1, minute: 0 }] }),
    status: 400,
  },
  {
    name: "create schedule unknown config",
    operationId: "createFactorySchedule",
    caller: "alice",
    method: "POST",
    path: "/v1/core/factory-schedules",
    json: () => ({ factoryConfigId: "fac_cfg_missing", timesToRun: [{ hour: 1, minute: 0 }] }),
    status: 400,
  },
  {
    name: "create schedule without times",
    operationId: "createFactorySchedule",
    caller: "alice",
    method: "POST",
    path: "/v1/core/factory-schedules",
    json: (ids) => ({ factoryConfigId: ids.factoryId }),
    status: 400,
  },
  {
    name: "create schedule bad hour",
    operationId: "createFactorySchedule",
    caller: "alice",
    method: "POST",
    path: "/v1/core/factory-schedules",
    json: (ids) => ({ factoryConfigId: ids.factoryId, timesToRun: [{ hour: 24, minute: 0 }] }),
    status: 400,
  },
  {
    name: "list schedules",
    operationId: "listFactorySchedules",
    caller: "alice",
    method: "GET",
    path: "/v1/core/factory-schedules",
    status: 200,
  },
  {
    name: "update schedule",
    operationId: "updateFactorySchedule",
    caller: "alice",
    method: "PUT",
    path: (ids) => `/v1/core/factory-schedules/${ids.scheduleId}`,
    json: () => ({ repeatInterval: "daily", timesToRun: [{ hour: 7, minute: 30 }] }),
    status: 200,
  },
  {
    name: "update schedule bad interval",
    operationId: "updateFactorySchedule",
    caller: "alice",
    method: "PUT",
    path: (ids) => `/v1/core/factory-schedules/${ids.scheduleId}`,
    json: () => ({ repeatInterval: "hourly" }),
    status: 400,
  },
  {
    name: "update unknown schedule",
    operationId: "updateFactorySchedule",
    caller: "alice",
    method: "PUT",
    path: "/v1/core/factory-schedules/fac_sch_missing",
    json: () => ({ label: "x" }),
    status: 404,
  },
  {
    name: "toggle schedule",
    operationId: "toggleFactorySchedule",
    caller: "alice",
    method: "POST",
    path: (ids) => `/v1/core/factory-schedules/${ids.scheduleId}/toggle`,
    status: 200,
  },
  {
    name: "toggle unknown schedule",
    operationId: "toggleFactorySchedule",
    caller: "alice",
    method: "POST",
    path: "/v1/core/factory-schedules/fac_sch_missing/toggle",
    status: 404,
  },
  {
    name: "delete schedule",
    operationId: "deleteFactorySchedule",
    caller: "alice",
    method: "DELETE",
    path: (ids) => `/v1/core/factory-schedules/${ids.scheduleId}`,
    status: 200,
  },
  {
    name: "delete unknown schedule",
    operationId: "deleteFactorySchedule",
    caller: "alice",
    method: "DELETE",
    path: "/v1/core/factory-schedules/fac_sch_missing",
    status: 200,
  },
  {
    name: "delete factory",
    operationId: "deleteFactory",
    caller: "alice",
    method: "DELETE",
    path: (ids) => `/v1/core/factories/${ids.factoryId}`,
    status: 200,
  },
  {
    name: "delete unknown factory",
    operationId: "deleteFactory",
    caller: "alice",
    method: "DELETE",
    path: "/v1/core/factories/fac_cfg_missing",
    status: 200,
  },
];

function sendCase(origin: string, testCase: OperationCase, ids: CaseIds): Promise<MockExchange> {
  const path = typeof testCase.path === "string" ? testCase.path : testCase.path(ids);
  return send(origin, testCase.caller, testCase.method, path, testCase.json?.(ids));
}

function emptyIds(): CaseIds {
  return {
    fixtures: { researcherId: "", flakyId: "", workflowId: "" },
    factoryId: "",
    runId: "",
    agentStepRunId: "",
    workflowStepRunId: "",
    scheduleId: "",
  };
}

/** Waits until alice's run has ended, polling its state. */
async function waitForEnd(origin: string, runId: string): Promise<Record<string, unknown>> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const run = data(await send(origin, "alice", "GET", `/v1/core/factory-runs/${runId}`));
    if (["completed", "cancelled", "error"].includes(String(run["status"]))) return run;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`Factory run ${runId} did not end within 5 s.`);
}

describe("factory operations", () => {
  let mock: RunningMock;
  const ids = emptyIds();

  beforeAll(async () => {
    mock = await startMock();
    ids.fixtures = await prepare(mock.origin);
  });

  afterAll(async () => {
    await mock.close();
  });

  test("cases cover every operation", () => {
    const documented = registry
      .operations()
      .filter((operation) => operation.tag === "Factories")
      .map((operation) => operation.operationId)
      .sort();
    expect([...new Set(OPERATION_CASES.map((testCase) => testCase.operationId))].sort()).toEqual(documented);
  });

  test.each(OPERATION_CASES.map((testCase) => [testCase.name, testCase] as const))(
    "%s",
    async (_name, testCase) => {
      if (testCase.operationId === "listFactoryRuns" || testCase.name === "list step runs")
        await waitForEnd(mock.origin, ids.runId);
      const exchange = await sendCase(mock.origin, testCase, ids);
      expect(exchange.status).toBe(testCase.status);
      expect(failuresOf(testCase.operationId, exchange)).toEqual([]);
      if (testCase.errorCode !== undefined) expect(body(exchange)["errorCode"]).toBe(testCase.errorCode);
      testCase.capture?.(exchange, ids);
    },
  );
});

describe("factory configs", () => {
  let mock: RunningMock;
  let fixtures: Fixtures;

  beforeAll(async () => {
    mock = await startMock();
    fixtures = await prepare(mock.origin);
  });

  afterAll(async () => {
    await mock.close();
  });

  test("create fills step defaults", async () => {
    const config = data(await send(mock.origin, "alice", "POST", "/v1/core/factories", pipeline(fixtures)));
    const steps = config["steps"] as Record<string, unknown>[];
    expect(steps.map((step) => step["index"])).toEqual([0, 1, 2]);
    expect(new Set(steps.map((step) => step["stepId"])).size).toBe(3);
    expect(steps[0]?.["agentRef"]).toEqual({ agentRef: `agent/${fixtures.researcherId}` });
    expect(steps[0]?.["transition"]).toEqual({ kind: "next" });
    expect(steps[0]?.["maxStepInvocations"]).toBe(1);
    expect(config["maxTotalInvocations"]).toBe(10);
    expect(config["continuous"]).toBe(false);
  });

  test.each([
    [{ limitStepInvocations: true, maxStepInvocations: 50_000 }, 10_000],
    [{ limitStepInvocations: true, maxStepInvocations: 0 }, 1],
    [{ limitStepInvocations: false, maxStepInvocations: 7 }, 1],
  ])("step invocations %o clamp to %d", async (step, expected) => {
    const config = data(
      await send(mock.origin, "alice", "POST", "/v1/core/factories", {
        name: "clamp",
        steps: [agentStep(fixtures, step)],
      }),
    );
    expect((config["steps"] as Record<string, unknown>[])[0]?.["maxStepInvocations"]).toBe(expected);
  });

  test.each([
    ["with fixer", true, 9, 5],
    ["without fixer", false, 3, 0],
  ])("repair attempts %s clamp", async (_name, withFixer, requested, expected) => {
    const fixer = withFixer ? { fixerAgentRef: `agent/${fixtures.researcherId}` } : {};
    const config = data(
      await send(mock.origin, "alice", "POST", "/v1/core/factories", {
        name: "repair",
        steps: [
          {
            kind: "workflow",
            workflowRef: { workflowConfigId: fixtures.workflowId, maxRepairAttempts: requested, ...fixer },
          },
        ],
      }),
    );
    const step = (config["steps"] as Record<string, Record<string, unknown>>[])[0];
    expect(step?.["workflowRef"]?.["maxRepairAttempts"]).toBe(expected);
  });

  test("shared agent resolves for recipient", async () => {
    const created = await send(mock.origin, "carol", "POST", "/v1/core/factories", {
      name: "carol",
      steps: [{ kind: "agent", agentRef: { agentRef: "shared/alice/editor" } }],
    });
    expect(created.status).toBe(200);
  });

  test("update keeps id and createdAt", async () => {
    const created = data(
      await send(mock.origin, "alice", "POST", "/v1/core/factories", {
        ...pipeline(fixtures),
        id: "fac_custom",
      }),
    );
    const updated = data(
      await send(mock.origin, "alice", "PUT", "/v1/core/factories/fac_custom", {
        id: "other",
        name: "Renamed",
      }),
    );
    expect(updated["id"]).toBe("fac_custom");
    expect(updated["name"]).toBe("Renamed");
    expect(updated["createdAt"]).toBe(created["createdAt"]);
    expect((updated["steps"] as unknown[]).length).toBe(3);
  });

  test("duplicate id gets 400", async () => {
    await send(mock.origin, "alice", "POST", "/v1/core/factories", {
      ...pipeline(fixtures),
      id: "fac_twice",
    });
    expect(
      (
        await send(mock.origin, "alice", "POST", "/v1/core/factories", {
          ...pipeline(fixtures),
          id: "fac_twice",
        })
      ).status,
    ).toBe(400);
  });

  test("factory limit answers 403", async () => {
    const limited = await startMock();
    try {
      const own = await prepare(limited.origin);
      for (let index = 0; index < 50; index += 1) {
        expect(
          (
            await send(limited.origin, "alice", "POST", "/v1/core/factories", {
              name: `f${index}`,
              steps: [agentStep(own)],
            })
          ).status,
        ).toBe(200);
      }
      const refused = await send(limited.origin, "alice", "POST", "/v1/core/factories", {
        name: "one more",
        steps: [agentStep(own)],
      });
      expect(refused.status).toBe(403);
      expect(body(refused)["errorCode"]).toBe("FACTORY_LIMIT_REACHED");
      expect(failuresOf("createFactory", refused)).toEqual([]);
    } finally {
      await limited.close();
    }
  });

  test("delete reports whether it deleted", async () => {
    const id = String(
      data(await send(mock.origin, "alice", "POST", "/v1/core/factories", pipeline(fixtures)))["id"],
    );
    expect(body(await send(mock.origin, "alice", "DELETE", `/v1/core/factories/${id}`))).toEqual({
      success: true,
      message: "Deleted",
    });
    expect(body(await send(mock.origin, "alice", "DELETE", `/v1/core/factories/${id}`))).toEqual({
      success: false,
      message: "Not found",
    });
  });
});

/** Chat timing under which each agent reply (16 tokens) takes about 65 ms. */
const SLOW_TIMING: TimingModel = {
  ...ZERO_TIMING,
  chat: { ttftMs: 50, interTokenMs: 1, tokensPerChunk: 1, outputTokens: 16 },
  factoryHeartbeatMs: 10,
};

describe("factory runs", () => {
  let mock: RunningMock;
  let fixtures: Fixtures;

  beforeAll(async () => {
    mock = await startMock({ timing: SLOW_TIMING });
    fixtures = await prepare(mock.origin);
  });

  afterAll(async () => {
    await mock.close();
  });

  async function createFactory(json: Record<string, unknown>): Promise<string> {
    const created = await send(mock.origin, "alice", "POST", "/v1/core/factories", json);
    expect(created.status).toBe(200);
    return String(data(created)["id"]);
  }

  async function startRun(
    factoryConfigId: string,
    initialCarryPayload: unknown = "Research factories.",
  ): Promise<string> {
    const started = await send(mock.origin, "alice", "POST", "/v1/core/factory-runs", {
      factoryConfigId,
      initialCarryPayload,
    });
    expect(started.status).toBe(202);
    expect(data(started)["status"]).toBe("queued");
    return String(body(started)["runId"]);
  }

  test("live stream plays the pipeline", async () => {
    const runId = await startRun(await createFactory(pipeline(fixtures)));
    const { exchange, comments } = await stream(mock.origin, "alice", runId);
    const seen = types(exchange);
    expect(seen[0]).toBe("snapshot");
    expect(seen[1]).toBe("run_started");
    expect(seen.filter((type) => type === "step_started")).toHaveLength(3);
    expect(seen).toContain("step_agent_delta");
    expect(seen).toContain("step_agent_replace");
    expect(seen).toContain("step_workflow_main_delta");
    expect(seen).toContain("step_workflow_completed");
    expect(seen.at(-1)).toBe("run_completed");
    expect(comments.length).toBeGreaterThan(0);
    expect(failuresOf("streamFactoryRun", exchange)).toEqual([]);
  });

  test("carry payload moves through steps", async () => {
    const runId = await startRun(await createFactory(pipeline(fixtures)));
    const run = await waitForEnd(mock.origin, runId);
    const steps = list(await send(mock.origin, "alice", "GET", `/v1/core/factory-runs/${runId}/steps`));
    expect(steps.map((step) => step["triggeredBy"])).toEqual([
      "manual_start",
      "previous_step_output",
      "previous_step_output",
    ]);
    expect(steps[1]?.["input"]).toBe(steps[0]?.["output"]);
    expect(steps[2]?.["upstreamStepRunId"]).toBe(steps[1]?.["stepRunId"]);
    expect(run["carryPayload"]).toBe(steps[2]?.["output"]);
    expect(run["cursor"]).toEqual({ nextStepIndex: null, iterationCount: 3, completedCycleCount: 0 });
    expect(run["perStepInvocationCounts"]).toEqual(
      Object.fromEntries(steps.map((step) => [step["stepId"], 1])),
    );
  });

  test("usage adds up over steps", async () => {
    const runId = await startRun(await createFactory(pipeline(fixtures)));
    const run = await waitForEnd(mock.origin, runId);
    const steps = list(await send(mock.origin, "alice", "GET", `/v1/core/factory-runs/${runId}/steps`));
    const total = steps.reduce(
      (sum, step) => sum + Number((step["usage"] as Record<string, number>)["totalTokens"]),
      0,
    );
    expect((run["aggregateUsage"] as Record<string, number>)["totalTokens"]).toBe(total);
  });

  test("fixer repairs the payload", async () => {
    const runId = await startRun(await createFactory(pipeline(fixtures)));
    await waitForEnd(mock.origin, runId);
    const workflowStep =
      list(await send(mock.origin, "alice", "GET", `/v1/core/factory-runs/${runId}/steps`))[1] ?? {};
    expect(workflowStep["validation"]).toEqual({
      schemaPresent: true,
      initialOutcome: "fail",
      repairAttempts: 1,
      finalOutcome: "pass",
    });
    expect(JSON.parse(String(workflowStep["workflowDataPayloadIn"]))).toHaveProperty("topic");
  });

  test("workflow step runs a real workflow", async () => {
    const runId = await startRun(await createFactory(pipeline(fixtures)));
    await waitForEnd(mock.origin, runId);
    const workflowStep =
      list(await send(mock.origin, "alice", "GET", `/v1/core/factory-runs/${runId}/steps`))[1] ?? {};
    const workflowRun = data(
      await send(
        mock.origin,
        "alice",
        "GET",
        `/v1/core/workflow-runs/${String(workflowStep["workflowRunId"])}`,
      ),
    );
    expect(workflowRun["factoryRunId"]).toBe(runId);
    expect(workflowRun["status"]).toBe("completed");
    const hydrated = data(
      await send(
        mock.origin,
        "alice",
        "GET",
        `/v1/core/factory-runs/${runId}/steps/${String(workflowStep["stepRunId"])}/hydrated`,
      ),
    );
    expect((hydrated["workflowRun"] as Record<string, Record<string, unknown>>)["record"]?.["runId"]).toBe(
      workflowStep["workflowRunId"],
    );
    expect(hydrated["chatSession"]).toBeNull();
  });

  test("agent step has a chat session", async () => {
    const runId = await startRun(await createFactory(pipeline(fixtures)));
    await waitForEnd(mock.origin, runId);
    const agentStep =
      list(await send(mock.origin, "alice", "GET", `/v1/core/factory-runs/${runId}/steps`))[0] ?? {};
    const hydrated = data(
      await send(
        mock.origin,
        "alice",
        "GET",
        `/v1/core/factory-runs/${runId}/steps/${String(agentStep["stepRunId"])}/hydrated`,
      ),
    );
    const session = hydrated["chatSession"] as Record<string, unknown>;
    expect(session["id"]).toBe(agentStep["chatId"]);
    expect((session["messages"] as Record<string, unknown>[]).map((message) => message["content"])).toEqual([
      agentStep["input"],
      agentStep["output"],
    ]);
  });

  test("invalid payload fails the run", async () => {
    const strict = await createFactory({
      name: "strict",
      steps: [
        {
          kind: "workflow",
          workflowRef: {
            workflowConfigId: fixtures.workflowId,
            payloadSchema: { type: "object", required: ["topic"] },
          },
        },
      ],
    });
    const runId = await startRun(strict, "not json");
    const { exchange } = await stream(mock.origin, "alice", runId);
    expect(types(exchange).slice(-3)).toEqual(["step_validation_attempt", "step_error", "run_error"]);
    const run = data(await send(mock.origin, "alice", "GET", `/v1/core/factory-runs/${runId}`));
    expect(run["status"]).toBe("error");
    const step =
      list(await send(mock.origin, "alice", "GET", `/v1/core/factory-runs/${runId}/steps`))[0] ?? {};
    expect((step["validation"] as Record<string, unknown>)["finalOutcome"]).toBe("fail");
    expect(step["status"]).toBe("error");
  });

  test("failing provider fails the run", async () => {
    const runId = await startRun(
      await createFactory({
        name: "flaky",
        steps: [{ kind: "agent", agentRef: { agentId: fixtures.flakyId } }],
      }),
    );
    const { exchange } = await stream(mock.origin, "alice", runId);
    expect(types(exchange).slice(-2)).toEqual(["step_error", "run_error"]);
    expect(failuresOf("streamFactoryRun", exchange)).toEqual([]);
  });

  test("step cap ends a loop", async () => {
    const looping = await createFactory({
      name: "loop",
      continuous: true,
      steps: [
        agentStep(fixtures, { limitStepInvocations: true, maxStepInvocations: 3 }),
        agentStep(fixtures, {
          limitStepInvocations: true,
          maxStepInvocations: 5,
          transition: { kind: "loop_to_index", targetIndex: 0 },
        }),
      ],
    });
    const runId = await startRun(looping);
    const { exchange } = await stream(mock.origin, "alice", runId);
    expect(types(exchange).at(-1)).toBe("run_completed_step_cap");
    const run = data(await send(mock.origin, "alice", "GET", `/v1/core/factory-runs/${runId}`));
    expect(run["cursor"]).toEqual({ nextStepIndex: null, iterationCount: 6, completedCycleCount: 3 });
    expect(
      list(await send(mock.origin, "alice", "GET", `/v1/core/factory-runs/${runId}/steps`)).map(
        (step) => step["triggeredBy"],
      ),
    ).toEqual([
      "manual_start",
      "previous_step_output",
      "loopback",
      "previous_step_output",
      "loopback",
      "previous_step_output",
    ]);
  });

  test("total cap ends a loop", async () => {
    const capped = await createFactory({
      name: "total cap",
      limitTotalInvocations: true,
      maxTotalInvocations: 4,
      steps: [
        agentStep(fixtures, {
          limitStepInvocations: true,
          maxStepInvocations: 100,
          transition: { kind: "loop_to_index", targetIndex: 0 },
        }),
      ],
    });
    const runId = await startRun(capped);
    const { exchange } = await stream(mock.origin, "alice", runId);
    expect(types(exchange).at(-1)).toBe("run_completed_at_cap");
    expect(
      (
        data(await send(mock.origin, "alice", "GET", `/v1/core/factory-runs/${runId}`))["cursor"] as Record<
          string,
          unknown
        >
      )["iterationCount"],
    ).toBe(4);
  });

  test("pause holds the next step", async () => {
    const runId = await startRun(await createFactory(pipeline(fixtures)));
    const streaming = stream(mock.origin, "alice", runId);
    const paused = await send(mock.origin, "alice", "POST", `/v1/core/factory-runs/${runId}/pause`);
    expect(data(paused)["status"]).toBe("paused");
    expect(body(paused)["noop"]).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const held = data(await send(mock.origin, "alice", "GET", `/v1/core/factory-runs/${runId}`));
    expect(held["status"]).toBe("paused");
    expect((held["cursor"] as Record<string, unknown>)["iterationCount"]).toBeLessThan(3);
    const again = body(await send(mock.origin, "alice", "POST", `/v1/core/factory-runs/${runId}/pause`));
    expect(again["noop"]).toBe(true);

    const resumed = await send(mock.origin, "alice", "POST", `/v1/core/factory-runs/${runId}/resume`);
    expect(data(resumed)["status"]).toBe("running");
    const { exchange } = await streaming;
    expect(types(exchange)).toContain("run_paused");
    expect(types(exchange).at(-1)).toBe("run_completed");
  });

  test("cancel stops a live run", async () => {
    const runId = await startRun(await createFactory(pipeline(fixtures)));
    const streaming = stream(mock.origin, "alice", runId);
    // Cancel while a step runs, so the test does not depend on how fast the machine is.
    const running = await waitFor(
      async () => list(await send(mock.origin, "alice", "GET", `/v1/core/factory-runs/${runId}/steps`)),
      (steps) => steps.at(-1)?.["status"] === "running",
    );
    expect(running.at(-1)?.["status"]).toBe("running");
    const first = body(await send(mock.origin, "alice", "POST", `/v1/core/factory-runs/${runId}/cancel`));
    expect(first).toEqual({ success: true, found: true, cancelled: true, alreadyCancelled: false });
    const second = body(await send(mock.origin, "alice", "POST", `/v1/core/factory-runs/${runId}/cancel`));
    expect(second).toEqual({ success: true, found: true, cancelled: false, alreadyCancelled: true });
    const { exchange } = await streaming;
    expect(types(exchange).at(-1)).toBe("run_cancelled");
    expect(exchange.events?.at(-1)).toBe("[DONE]");
    const run = data(await send(mock.origin, "alice", "GET", `/v1/core/factory-runs/${runId}`));
    expect(run["status"]).toBe("cancelled");
    const steps = list(await send(mock.origin, "alice", "GET", `/v1/core/factory-runs/${runId}/steps`));
    expect(steps.at(-1)?.["status"]).toBe("cancelled");
  });

  test("cancel reaches the inner workflow", async () => {
    const workflowOnly = await createFactory({
      name: "wf",
      steps: [{ kind: "workflow", workflowRef: { workflowConfigId: fixtures.workflowId } }],
    });
    const runId = await startRun(workflowOnly, JSON.stringify({ topic: "x" }));
    await new Promise((resolve) => setTimeout(resolve, 10));
    await send(mock.origin, "alice", "POST", `/v1/core/factory-runs/${runId}/cancel`);
    const step =
      list(await send(mock.origin, "alice", "GET", `/v1/core/factory-runs/${runId}/steps`))[0] ?? {};
    const workflowRun = data(
      await send(mock.origin, "alice", "GET", `/v1/core/workflow-runs/${String(step["workflowRunId"])}`),
    );
    expect(workflowRun["status"]).toBe("cancelled");
  });

  test("concurrent limit answers 429", async () => {
    const slow = await createFactory(pipeline(fixtures));
    const started: string[] = [];
    for (let index = 0; index < 5; index += 1) started.push(await startRun(slow));
    const refused = await send(mock.origin, "alice", "POST", "/v1/core/factory-runs", {
      factoryConfigId: slow,
    });
    expect(refused.status).toBe(429);
    expect(body(refused)["errorCode"]).toBe("FACTORY_CONCURRENT_LIMIT_REACHED");
    expect(failuresOf("startFactoryRun", refused)).toEqual([]);
    for (const runId of started)
      await send(mock.origin, "alice", "POST", `/v1/core/factory-runs/${runId}/cancel`);
  });

  test("non-string payload becomes empty", async () => {
    const runId = await startRun(await createFactory({ name: "one", steps: [agentStep(fixtures)] }), {
      topic: "x",
    });
    const steps = list(await send(mock.origin, "alice", "GET", `/v1/core/factory-runs/${runId}/steps`));
    expect(steps[0]?.["input"] ?? "").toBe("");
  });

  test("run directory starts runs", async () => {
    const id = await createFactory({ name: "directory", steps: [agentStep(fixtures)] });
    const alice = mock.deployment.store.findAccountByUsername("alice");
    if (alice === undefined) throw new Error("alice is not seeded");
    const outcome = mock.deployment.store.slot(alice, STARTABLE_FACTORIES).get(id)?.start("from a webhook");
    expect(outcome?.ok).toBe(true);
    const runId = outcome?.ok === true ? (outcome.runId ?? "") : "";
    expect((await waitForEnd(mock.origin, runId))["status"]).toBe("completed");
  });
});

describe("factory namespacing", () => {
  let mock: RunningMock;
  let factoryId: string;
  let runId: string;
  let scheduleId: string;

  beforeAll(async () => {
    mock = await startMock();
    const fixtures = await prepare(mock.origin);
    factoryId = String(
      data(await send(mock.origin, "alice", "POST", "/v1/core/factories", pipeline(fixtures)))["id"],
    );
    runId = String(
      body(await send(mock.origin, "alice", "POST", "/v1/core/factory-runs", { factoryConfigId: factoryId }))[
        "runId"
      ],
    );
    const schedule = await send(mock.origin, "alice", "POST", "/v1/core/factory-schedules", {
      factoryConfigId: factoryId,
      timesToRun: [{ hour: 9, minute: 0 }],
    });
    scheduleId = String(data(schedule)["id"]);
    await waitForEnd(mock.origin, runId);
  });

  afterAll(async () => {
    await mock.close();
  });

  test.each([
    ["get factory", "GET", (): string => `/v1/core/factories/${factoryId}`, undefined],
    ["update factory", "PUT", (): string => `/v1/core/factories/${factoryId}`, { name: "bob's" }],
    ["list runs", "GET", (): string => `/v1/core/factories/${factoryId}/runs`, undefined],
    ["start run", "POST", (): string => "/v1/core/factory-runs", "factory"],
    ["get run", "GET", (): string => `/v1/core/factory-runs/${runId}`, undefined],
    ["list steps", "GET", (): string => `/v1/core/factory-runs/${runId}/steps`, undefined],
    ["stream", "GET", (): string => `/v1/core/factory-runs/${runId}/stream`, undefined],
    ["pause", "POST", (): string => `/v1/core/factory-runs/${runId}/pause`, undefined],
    ["resume", "POST", (): string => `/v1/core/factory-runs/${runId}/resume`, undefined],
    ["cancel", "POST", (): string => `/v1/core/factory-runs/${runId}/cancel`, undefined],
    ["update schedule", "PUT", (): string => `/v1/core/factory-schedules/${scheduleId}`, { label: "bob's" }],
    ["toggle schedule", "POST", (): string => `/v1/core/factory-schedules/${scheduleId}/toggle`, undefined],
  ] as const)("bob gets 404 on %s", async (_name, method, path, json) => {
    const payload = json === "factory" ? { factoryConfigId: factoryId } : json;
    expect((await send(mock.origin, "bob", method, path(), payload)).status).toBe(404);
  });

  test("bob cannot delete alice's", async () => {
    expect(body(await send(mock.origin, "bob", "DELETE", `/v1/core/factories/${factoryId}`))["success"]).toBe(
      false,
    );
    expect(
      body(await send(mock.origin, "bob", "DELETE", `/v1/core/factory-schedules/${scheduleId}`))["success"],
    ).toBe(false);
    expect((await send(mock.origin, "alice", "GET", `/v1/core/factories/${factoryId}`)).status).toBe(200);
  });

  test("bob's lists are empty", async () => {
    expect(list(await send(mock.origin, "bob", "GET", "/v1/core/factories"))).toEqual([]);
    expect(list(await send(mock.origin, "bob", "GET", "/v1/core/factory-schedules"))).toEqual([]);
  });

  test("bob cannot schedule alice's", async () => {
    const refused = await send(mock.origin, "bob", "POST", "/v1/core/factory-schedules", {
      factoryConfigId: factoryId,
      timesToRun: [{ hour: 9, minute: 0 }],
    });
    expect(refused.status).toBe(400);
    expect(body(refused)["message"]).toBe("Factory config not found");
  });
});

describe("factory schedule times", () => {
  const base: ScheduleFields = {
    factoryConfigId: "fac_cfg_01",
    // Wednesday 2025-01-01 10:00 UTC.
    startDate: Date.UTC(2025, 0, 1, 10, 0),
    timesToRun: [{ hour: 13, minute: 0 }],
    repeatInterval: "once",
    status: "enabled",
  };
  const now = Date.UTC(2025, 0, 1, 10, 0);

  test.each([
    ["once later today", {}, now, Date.UTC(2025, 0, 1, 13, 0)],
    [
      "daily after today's slot",
      { repeatInterval: "daily" },
      Date.UTC(2025, 0, 1, 14, 0),
      Date.UTC(2025, 0, 2, 13, 0),
    ],
    [
      "daily earliest slot",
      {
        repeatInterval: "daily",
        timesToRun: [
          { hour: 18, minute: 5 },
          { hour: 11, minute: 30 },
        ],
      },
      now,
      Date.UTC(2025, 0, 1, 11, 30),
    ],
    ["weekly on Monday", { repeatInterval: "weekly", daysOfWeek: [1] }, now, Date.UTC(2025, 0, 6, 13, 0)],
    [
      "weekly default weekday",
      { repeatInterval: "weekly" },
      Date.UTC(2025, 0, 1, 14, 0),
      Date.UTC(2025, 0, 8, 13, 0),
    ],
    ["monthly on the 15th", { repeatInterval: "monthly", dayOfMonth: 15 }, now, Date.UTC(2025, 0, 15, 13, 0)],
    [
      "monthly 31st in February",
      { repeatInterval: "monthly", dayOfMonth: 31 },
      Date.UTC(2025, 1, 1),
      Date.UTC(2025, 1, 28, 13, 0),
    ],
    [
      "future start date",
      { repeatInterval: "daily", startDate: Date.UTC(2025, 5, 1) },
      now,
      Date.UTC(2025, 5, 1, 13, 0),
    ],
  ] as const)("%s", (_name, change, at, expected) => {
    expect(new Date(nextRunAt({ ...base, ...change } as ScheduleFields, at)).toISOString()).toBe(
      new Date(expected).toISOString(),
    );
  });

  test("toggle recomputes when enabling", async () => {
    const mock = await startMock();
    try {
      const fixtures = await prepare(mock.origin);
      const factoryId = String(
        data(await send(mock.origin, "alice", "POST", "/v1/core/factories", pipeline(fixtures)))["id"],
      );
      const created = data(
        await send(mock.origin, "alice", "POST", "/v1/core/factory-schedules", {
          factoryConfigId: factoryId,
          startDate: Date.UTC(2020, 0, 1),
          repeatInterval: "daily",
          timesToRun: [{ hour: 0, minute: 0 }],
        }),
      );
      expect(created["nextRunAt"]).toBeGreaterThan(Date.now());
      const disabled = data(
        await send(
          mock.origin,
          "alice",
          "POST",
          `/v1/core/factory-schedules/${String(created["id"])}/toggle`,
        ),
      );
      expect(disabled["status"]).toBe("disabled");
      const enabled = data(
        await send(
          mock.origin,
          "alice",
          "POST",
          `/v1/core/factory-schedules/${String(created["id"])}/toggle`,
        ),
      );
      expect(enabled["status"]).toBe("enabled");
      expect(enabled["nextRunAt"]).toBeGreaterThanOrEqual(Number(created["nextRunAt"]));
    } finally {
      await mock.close();
    }
  });
});

test.each([
  ["main_content_delta", "step_workflow_main_delta"],
  ["helper_completed", "step_workflow_helper_completed"],
  ["workflow_completed", "step_workflow_completed"],
  ["run_started", "step_workflow_run_started"],
])("forwarded type of %s", (inner, forwarded) => {
  expect(forwardedType(inner)).toBe(forwarded);
});

describe("factory adapters", () => {
  const MSW_ORIGIN = "http://127.0.0.1:4996";
  let msw: MswDeployment;
  let httpMock: RunningMock;
  const httpIds = emptyIds();
  const mswIds = emptyIds();

  beforeAll(async () => {
    httpMock = await startMock();
    msw = await startMswDeployment(MSW_ORIGIN);
    httpIds.fixtures = await prepare(httpMock.origin);
    mswIds.fixtures = await prepare(MSW_ORIGIN);
  });

  afterAll(async () => {
    msw.close();
    await httpMock.close();
  });

  // The cases run in order on both deployments, so their stores and id sequences stay in step.
  test.each(OPERATION_CASES.map((testCase) => [testCase.name, testCase] as const))(
    "%s answers alike",
    async (_name, testCase) => {
      if (httpIds.runId !== "") {
        await waitForEnd(httpMock.origin, httpIds.runId);
        await waitForEnd(MSW_ORIGIN, mswIds.runId);
      }
      const overHttp = await sendCase(httpMock.origin, testCase, httpIds);
      const inProcess = await sendCase(MSW_ORIGIN, testCase, mswIds);
      testCase.capture?.(overHttp, httpIds);
      testCase.capture?.(inProcess, mswIds);
      expectSameResponse(overHttp, inProcess);
    },
  );
});

/** Creates a one-step factory for alice on `mock` and returns its id. */
async function createOneStepFactory(mock: RunningMock): Promise<string> {
  const fixtures = await prepare(mock.origin);
  const created = await send(mock.origin, "alice", "POST", "/v1/core/factories", {
    name: "one",
    steps: [agentStep(fixtures)],
  });
  return String(data(created)["id"]);
}

/** Starts a run of alice's one-step factory on `mock` and returns the run id. */
async function startOneStepRun(mock: RunningMock): Promise<string> {
  const factoryId = await createOneStepFactory(mock);
  const started = await send(mock.origin, "alice", "POST", "/v1/core/factory-runs", {
    factoryConfigId: factoryId,
  });
  return String(body(started)["runId"]);
}

/** Starts a run of alice's one-step factory on `mock` and waits for it to end. */
async function endedRun(mock: RunningMock): Promise<string> {
  const runId = await startOneStepRun(mock);
  await waitForEnd(mock.origin, runId);
  return runId;
}

/** For each factory fault, a probe that returns true when the documented rule was broken. */
const PROBES: Readonly<Record<string, (mock: RunningMock) => Promise<boolean>>> = {
  "factory-run-of-other-account-visible": async (mock) =>
    (await send(mock.origin, "bob", "GET", `/v1/core/factory-runs/${await endedRun(mock)}`)).status !== 404,
  "factory-run-stream-snapshot-not-first": async (mock) => {
    const runId = await endedRun(mock);
    return (
      eventPayloads(await send(mock.origin, "alice", "GET", `/v1/core/factory-runs/${runId}/stream`))[0]?.[
        "type"
      ] !== "snapshot"
    );
  },
  "factory-run-stream-heartbeat-malformed": async (mock) => {
    const { comments } = await stream(mock.origin, "alice", await startOneStepRun(mock));
    if (comments.length === 0)
      throw new Error("The probe saw no heartbeat; the timing model must make the run outlast the interval.");
    return comments.some((comment) => !/^factory-heartbeat \d+$/.test(comment));
  },
  "factory-pause-of-ended-run-accepted": async (mock) => {
    const paused = body(
      await send(mock.origin, "alice", "POST", `/v1/core/factory-runs/${await endedRun(mock)}/pause`),
    );
    return paused["noop"] !== true;
  },
  "factory-create-answered-201": async (mock) => {
    const fixtures = await prepare(mock.origin);
    const created = await send(mock.origin, "alice", "POST", "/v1/core/factories", {
      name: "one",
      steps: [agentStep(fixtures)],
    });
    return created.status !== 200;
  },
  "factory-delete-unknown-answered-404": async (mock) =>
    (await send(mock.origin, "alice", "DELETE", "/v1/core/factories/fac_cfg_missing")).status !== 200,
  "factory-schedule-next-run-missing": async (mock) => {
    const factoryId = await createOneStepFactory(mock);
    const schedule = data(
      await send(mock.origin, "alice", "POST", "/v1/core/factory-schedules", {
        factoryConfigId: factoryId,
        timesToRun: [{ hour: 9, minute: 0 }],
      }),
    );
    return typeof schedule["nextRunAt"] !== "number";
  },
};

describe("factory faults", () => {
  test("every fault has a probe", () => {
    expect(Object.keys(PROBES).sort()).toEqual(faultNamesOf("factories"));
  });

  test.each(Object.entries(PROBES))("%s breaks its rule", async (name, probe) => {
    // A slow timing model makes runs outlast the heartbeat interval, so the heartbeat probe gets one.
    await expectProbeBreaksRule(name, probe, { timing: SLOW_TIMING });
  });
});
