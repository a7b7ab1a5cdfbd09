import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { STARTABLE_WORKFLOWS, type StartableConfig } from "../../src/mock/run-directory.ts";
import { startMock } from "../../src/mock/server.ts";
import { parseTimingModel, type TimingModel } from "../../src/mock/timing-model.ts";
import { ValidatorRegistry } from "../../src/validation/validator-registry.ts";
import { AdapterPair, expectAnswersAlike, type PairedCase } from "./support/adapter-pair.ts";
import { CheckedClient } from "./support/checked-client.ts";
import { expectProbeBreaksRule, faultNamesOf } from "./support/fault-probes.ts";
import {
  eventPayloads,
  eventTypes,
  jsonBody,
  jsonData,
  readExchange,
  sendRequest,
  TEST_KEYS,
  type Caller,
  type MockExchange,
} from "./support/mock-exchange.ts";
import { seedWorkflowAgents } from "./support/workflow-agents.ts";

type Json = Record<string, unknown>;

const PROMPT =
  "Topic: {{ topic }} for {{ audience.segment }}\n\n" +
  "Research:\n<agent/agt_research|#|topic>\n\nWrite a synthesis.";
const PAYLOAD = JSON.stringify({ topic: "workflows", audience: { segment: "developers" } });
const FULL_CONFIG = {
  name: "Research synthesis",
  mainAgentRef: "agent/agt_synth",
  mainPrompt: PROMPT,
  dataPayload: PAYLOAD,
  concurrency: 2,
  delimiter: "|#|",
  failureMessage: "A helper failed.",
  failureInstruction: "Use the remaining outputs.",
};

/**
 * Slow enough that a test can act while a run is in progress: each agent step takes about 0.15 s.
 * Heartbeats come every 25 ms.
 */
const TIMED: TimingModel = parseTimingModel(
  { chat: { ttftMs: 100, interTokenMs: 10, tokensPerChunk: 2, outputTokens: 12 }, workflowHeartbeatMs: 25 },
  "workflow test timing",
);

const HEARTBEAT = /^workflow-heartbeat \d+$/;

let registry: ValidatorRegistry;

beforeAll(async () => {
  registry = await ValidatorRegistry.load();
});

/** Starts a mock with the workflow test agents and returns a checked client of it. */
async function startWorkflowMock(
  options: { timing?: TimingModel; faults?: string[] } = {},
): Promise<CheckedClient> {
  const mock = await startMock(options);
  seedWorkflowAgents(mock.deployment);
  return new CheckedClient(mock, registry);
}

async function createConfig(client: CheckedClient, json: unknown, caller: Caller = "alice"): Promise<Json> {
  const created = await client.call(caller, "createWorkflow", "POST", "/v1/core/workflows", json);
  expect(created.status).toBe(200);
  return jsonData(created);
}

async function startRun(client: CheckedClient, workflowId: string, extra: Json = {}): Promise<string> {
  const started = await client.call("alice", "startWorkflowRun", "POST", "/v1/core/workflow-runs", {
    workflowId,
    ...extra,
  });
  expect(started.status).toBe(202);
  return String(jsonBody(started)["runId"]);
}

async function getRun(client: CheckedClient, runId: string, caller: Caller = "alice"): Promise<MockExchange> {
  return client.call(caller, "getWorkflowRun", "GET", `/v1/core/workflow-runs/${runId}`);
}

function streamRun(client: CheckedClient, runId: string): Promise<MockExchange> {
  return client.call("alice", "streamWorkflowRun", "GET", `/v1/core/workflow-runs/${runId}/stream`);
}

describe("workflow configs", () => {
  let client: CheckedClient;

  beforeAll(async () => {
    client = await startWorkflowMock();
  });

  afterAll(async () => {
    await client.mock.close();
  });

  test("create fills the defaults", async () => {
    const config = await createConfig(client, {});
    expect(config["name"]).toBe("Untitled Workflow");
    expect(config["dataPayload"]).toBe("{}");
    expect(config["concurrency"]).toBe(1);
    expect(config["delimiter"]).toBe("|#|");
    expect(config["failureMessage"]).toBe("");
    expect(config["failureInstruction"]).toBe("");
    expect(config["mainAgentId"]).toBeNull();
    expect(config["mainPrompt"]).toBe("");
  });

  test("create without a body uses defaults", async () => {
    const created = await client.call("alice", "createWorkflow", "POST", "/v1/core/workflows");
    expect(created.status).toBe(200);
    expect(jsonData(created)["name"]).toBe("Untitled Workflow");
  });

  test("create derives server fields", async () => {
    const config = await createConfig(client, {
      ...FULL_CONFIG,
      userId: "usr_other",
      mainAgentId: "agt_other",
      createdAt: 1,
    });
    expect(config["mainAgentId"]).toBe("agt_synth");
    expect(config["mainAgentRef"]).toBe("agent/agt_synth");
    expect(config["userId"]).toBe("usr_alice");
    expect(config["createdAt"]).not.toBe(1);
    expect(config["concurrency"]).toBe(2);
  });

  test("shared main agent has no id", async () => {
    const config = await createConfig(client, { mainAgentRef: "shared/bob/editor" });
    expect(config["mainAgentRef"]).toBe("shared/bob/editor");
    expect(config["mainAgentId"]).toBeNull();
  });

  test("agent from the agents API resolves", async () => {
    const agent = await client.call("carol", "createAgent", "POST", "/v1/core/add/agent", {
      name: "planner",
      description: "Plans the work",
      systemPrompt: "You plan.",
      model: "msq-mock-chat",
    });
    const agentId = String(jsonData(agent)["id"]);
    const config = await createConfig(
      client,
      { mainAgentRef: `agent/${agentId}`, mainPrompt: "<planner|#|goal>" },
      "carol",
    );
    expect(config["mainAgentId"]).toBe(agentId);
    expect(config["mainAgentRef"]).toBe(`agent/${agentId}`);
  });

  test("helper selector may be an agent name", async () => {
    const config = await createConfig(client, { mainPrompt: "<researcher|#|topic>" });
    expect(config["mainPrompt"]).toBe("<researcher|#|topic>");
  });

  test("custom delimiter selects helpers", async () => {
    const created = await client.call("alice", "createWorkflow", "POST", "/v1/core/workflows", {
      mainPrompt: "<agent/agt_missing::topic>",
      delimiter: "::",
    });
    expect(jsonBody(created)["errorCode"]).toBe("WORKFLOW_HELPER_NAME_UNRESOLVED");
  });

  test.each([
    ["dataPayload not JSON", { dataPayload: "{topic" }, undefined],
    ["dataPayload an array", { dataPayload: "[1, 2]" }, undefined],
    ["dataPayload not a string", { dataPayload: { topic: "x" } }, undefined],
    ["concurrency zero", { concurrency: 0 }, undefined],
    ["concurrency fractional", { concurrency: 1.5 }, undefined],
    ["delimiter empty", { delimiter: "" }, undefined],
    ["mainAgentRef a number", { mainAgentRef: 7 }, undefined],
    ["unknown main agent", { mainAgentRef: "agent/agt_missing" }, "WORKFLOW_MAIN_AGENT_NOT_FOUND"],
    ["malformed main ref", { mainAgentRef: "agt_synth" }, "WORKFLOW_MAIN_AGENT_NOT_FOUND"],
    ["unshared agent of bob", { mainAgentRef: "shared/bob/private" }, "WORKFLOW_MAIN_AGENT_NOT_FOUND"],
    ["unknown helper", { mainPrompt: "<agent/agt_missing|#|topic>" }, "WORKFLOW_HELPER_NAME_UNRESOLVED"],
    ["body an array", [1], undefined],
  ])("%s gets 400", async (_name, json, errorCode) => {
    const created = await client.call("alice", "createWorkflow", "POST", "/v1/core/workflows", json);
    expect(created.status).toBe(400);
    expect(jsonBody(created)["errorCode"]).toBe(errorCode);
  });

  test("bob cannot use alice's agents", async () => {
    const created = await client.call("bob", "createWorkflow", "POST", "/v1/core/workflows", {
      mainAgentRef: "agent/agt_synth",
    });
    expect(jsonBody(created)["errorCode"]).toBe("WORKFLOW_MAIN_AGENT_NOT_FOUND");
  });

  test("list is newest first", async () => {
    const older = await createConfig(client, { name: "older" });
    const newer = await createConfig(client, { name: "newer" });
    const before = jsonData<Json[]>(await client.call("alice", "listWorkflows", "GET", "/v1/core/workflows"));
    expect(before[0]?.["id"]).toBe(newer["id"]);

    await client.call("alice", "updateWorkflow", "PUT", `/v1/core/workflows/${String(older["id"])}`, {
      name: "older, renamed",
    });
    const after = jsonData<Json[]>(await client.call("alice", "listWorkflows", "GET", "/v1/core/workflows"));
    expect(after[0]?.["id"]).toBe(older["id"]);
  });

  test("list excludes other accounts", async () => {
    const config = await createConfig(client, { name: "alice only" });
    const list = jsonData<Json[]>(await client.call("bob", "listWorkflows", "GET", "/v1/core/workflows"));
    expect(list.map((entry) => entry["id"])).not.toContain(config["id"]);
  });

  test("update merges the body", async () => {
    const config = await createConfig(client, FULL_CONFIG);
    const path = `/v1/core/workflows/${String(config["id"])}`;
    const renamed = jsonData(await client.call("alice", "updateWorkflow", "PUT", path, { name: "Renamed" }));
    expect(renamed["name"]).toBe("Renamed");
    expect(renamed["mainPrompt"]).toBe(PROMPT);
    expect(renamed["mainAgentRef"]).toBe("agent/agt_synth");
    expect(renamed["concurrency"]).toBe(2);
    expect(renamed["createdAt"]).toBe(config["createdAt"]);
  });

  test("update with null clears the main agent", async () => {
    const config = await createConfig(client, FULL_CONFIG);
    const path = `/v1/core/workflows/${String(config["id"])}`;
    const cleared = jsonData(
      await client.call("alice", "updateWorkflow", "PUT", path, { mainAgentRef: null }),
    );
    expect(cleared["mainAgentRef"]).toBeNull();
    expect(cleared["mainAgentId"]).toBeNull();
  });

  test("update checks a new prompt", async () => {
    const config = await createConfig(client, FULL_CONFIG);
    const updated = await client.call(
      "alice",
      "updateWorkflow",
      "PUT",
      `/v1/core/workflows/${String(config["id"])}`,
      {
        mainPrompt: "<agent/agt_gone|#|topic>",
      },
    );
    expect(updated.status).toBe(400);
    expect(jsonBody(updated)["errorCode"]).toBe("WORKFLOW_HELPER_NAME_UNRESOLVED");
  });

  test.each([
    ["unknown config", "alice", "wf_cfg_missing"],
    ["config of alice for bob", "bob", "<alice>"],
  ] as const)("update of %s gets 404", async (_name, caller, id) => {
    const config = await createConfig(client, { name: "target" });
    const target = id === "<alice>" ? String(config["id"]) : id;
    const updated = await client.call(caller, "updateWorkflow", "PUT", `/v1/core/workflows/${target}`, {
      name: "taken",
    });
    expect(updated.status).toBe(404);
  });

  test("delete returns Deleted then Not found", async () => {
    const config = await createConfig(client, { name: "short lived" });
    const path = `/v1/core/workflows/${String(config["id"])}`;
    const first = await client.call("alice", "deleteWorkflow", "DELETE", path);
    expect(first.status).toBe(200);
    expect(jsonBody(first)).toEqual({ success: true, message: "Deleted" });
    const second = await client.call("alice", "deleteWorkflow", "DELETE", path);
    expect(second.status).toBe(200);
    expect(jsonBody(second)).toEqual({ success: false, message: "Not found" });
  });

  test("bob cannot delete alice's config", async () => {
    const config = await createConfig(client, { name: "kept" });
    const deleted = await client.call(
      "bob",
      "deleteWorkflow",
      "DELETE",
      `/v1/core/workflows/${String(config["id"])}`,
    );
    expect(jsonBody(deleted)["success"]).toBe(false);
    const list = jsonData<Json[]>(await client.call("alice", "listWorkflows", "GET", "/v1/core/workflows"));
    expect(list.map((entry) => entry["id"])).toContain(config["id"]);
  });
});

describe("workflow runs", () => {
  let client: CheckedClient;
  let configId: string;

  beforeAll(async () => {
    client = await startWorkflowMock();
    configId = String((await createConfig(client, FULL_CONFIG))["id"]);
  });

  afterAll(async () => {
    await client.mock.close();
  });

  test("start answers 202 with a queued run", async () => {
    const started = await client.call("alice", "startWorkflowRun", "POST", "/v1/core/workflow-runs", {
      workflowId: configId,
    });
    expect(started.status).toBe(202);
    const run = jsonData(started);
    expect(run["runId"]).toBe(jsonBody(started)["runId"]);
    expect(run["status"]).toBe("queued");
    expect(run["helpers"]).toEqual([]);
    expect((run["main"] as Json)["status"]).toBe("pending");
    expect((run["resumeSnapshot"] as Json)["phase"]).toBe("queued");
  });

  test("run plays helpers then main", async () => {
    const run = jsonData(await getRun(client, await startRun(client, configId)));
    const helper = (run["helpers"] as Json[])[0] as Json;
    const main = run["main"] as Json;
    expect(run["status"]).toBe("completed");
    expect(helper["status"]).toBe("completed");
    expect(helper["resolvedInput"]).toBe("workflows");
    expect(helper["agentRef"]).toBe("agent/agt_research");
    expect(main["status"]).toBe("completed");
    expect(main["agentId"]).toBe("agt_synth");
    expect((run["resumeSnapshot"] as Json)["phase"]).toBe("completed");
  });

  test("aggregate usage sums the steps", async () => {
    const run = jsonData(await getRun(client, await startRun(client, configId)));
    const helperUsage = ((run["helpers"] as Json[])[0] as Json)["usage"] as Json;
    const mainUsage = (run["main"] as Json)["usage"] as Json;
    const total = run["aggregateUsage"] as Json;
    expect(total["promptTokens"]).toBe(
      Number(helperUsage["promptTokens"]) + Number(mainUsage["promptTokens"]),
    );
    expect(total["completionTokens"]).toBe(
      Number(helperUsage["completionTokens"]) + Number(mainUsage["completionTokens"]),
    );
    expect(total["totalTokens"]).toBe(Number(total["promptTokens"]) + Number(total["completionTokens"]));
  });

  test("dataPayload replaces the config's", async () => {
    const runId = await startRun(client, configId, {
      dataPayload: JSON.stringify({ topic: "agents", audience: { segment: "ops" } }),
    });
    const hydrated = jsonData(
      await client.call("alice", "getHydratedWorkflowRun", "GET", `/v1/core/workflow-runs/${runId}/hydrated`),
    );
    const record = hydrated["record"] as Json;
    const prompt = (((hydrated["mainChat"] as Json)["messages"] as Json[])[0] as Json)["content"];
    expect(((record["helpers"] as Json[])[0] as Json)["resolvedInput"]).toBe("agents");
    expect(prompt).toContain("Topic: agents for ops");
  });

  test("hydrated run has the transcripts", async () => {
    const runId = await startRun(client, configId);
    const hydrated = jsonData(
      await client.call("alice", "getHydratedWorkflowRun", "GET", `/v1/core/workflow-runs/${runId}/hydrated`),
    );
    const record = hydrated["record"] as Json;
    const helper = (record["helpers"] as Json[])[0] as Json;
    const helperChat = ((hydrated["helperChats"] as Json[])[0] as Json)["chat"] as Json;
    const mainMessages = (hydrated["mainChat"] as Json)["messages"] as Json[];
    const snapshot = record["resumeSnapshot"] as Json;
    expect(helperChat["id"]).toBe(helper["chatId"]);
    expect(mainMessages[1]?.["content"]).toBe((snapshot["main"] as Json)["previewContent"]);
    expect(mainMessages[0]?.["content"]).toContain(
      String(((snapshot["helpers"] as Json[])[0] as Json)["previewContent"]),
    );
  });

  test.each([
    ["missing workflowId", 400, {}],
    ["blank workflowId", 400, { workflowId: " " }],
    ["dataPayload not a string", 400, { workflowId: "<config>", dataPayload: 5 }],
    ["dataPayload not JSON", 400, { workflowId: "<config>", dataPayload: "{" }],
    ["dataPayload not an object", 400, { workflowId: "<config>", dataPayload: "[]" }],
    ["unknown config", 404, { workflowId: "wf_cfg_missing" }],
  ] as const)("start with %s gets %d", async (_name, status, json) => {
    const request =
      "workflowId" in json && json.workflowId === "<config>" ? { ...json, workflowId: configId } : json;
    const started = await client.call("alice", "startWorkflowRun", "POST", "/v1/core/workflow-runs", request);
    expect(started.status).toBe(status);
  });

  test("bob cannot start alice's config", async () => {
    const started = await client.call("bob", "startWorkflowRun", "POST", "/v1/core/workflow-runs", {
      workflowId: configId,
    });
    expect(started.status).toBe(404);
  });

  test("missing data path fails the run", async () => {
    const config = await createConfig(client, {
      mainAgentRef: "agent/agt_synth",
      mainPrompt: "Use {{ sources.0.title }}.",
    });
    const runId = await startRun(client, String(config["id"]), {
      dataPayload: JSON.stringify({ sources: [] }),
    });
    const stream = await streamRun(client, runId);
    const error = eventPayloads(stream).at(-1) as Json;
    expect(error["type"]).toBe("error");
    expect(error["errorCode"]).toBe("WORKFLOW_DATA_INTERPOLATION_ERROR");
    expect(error["dataPath"]).toBe("sources.0.title");
    expect(jsonData(await getRun(client, runId))["status"]).toBe("error");
  });

  test("dotted paths and indices resolve", async () => {
    const config = await createConfig(client, {
      mainAgentRef: "agent/agt_synth",
      mainPrompt: "Use {{ sources.1.title }}.",
    });
    const runId = await startRun(client, String(config["id"]), {
      dataPayload: JSON.stringify({ sources: [{ title: "first" }, { title: "second" }] }),
    });
    const hydrated = jsonData(
      await client.call("alice", "getHydratedWorkflowRun", "GET", `/v1/core/workflow-runs/${runId}/hydrated`),
    );
    const prompt = (((hydrated["mainChat"] as Json)["messages"] as Json[])[0] as Json)["content"];
    expect(prompt).toBe("Use second.");
  });

  test("run without main agent fails", async () => {
    const config = await createConfig(client, { mainPrompt: "Nothing to do." });
    const stream = await streamRun(client, await startRun(client, String(config["id"])));
    expect((eventPayloads(stream).at(-1) as Json)["errorCode"]).toBe("WORKFLOW_MAIN_AGENT_NOT_FOUND");
  });

  test("failed helper gets the failure message", async () => {
    const config = await createConfig(client, {
      mainAgentRef: "agent/agt_synth",
      mainPrompt: "A: <agent/agt_flaky|#|topic>\nB: <agent/agt_research|#|topic>",
      dataPayload: JSON.stringify({ topic: "retries" }),
      failureMessage: "HELPER FAILED",
      failureInstruction: "Carry on without it.",
    });
    const runId = await startRun(client, String(config["id"]));
    const hydrated = jsonData(
      await client.call("alice", "getHydratedWorkflowRun", "GET", `/v1/core/workflow-runs/${runId}/hydrated`),
    );
    const record = hydrated["record"] as Json;
    const helpers = record["helpers"] as Json[];
    const prompt = String((((hydrated["mainChat"] as Json)["messages"] as Json[])[0] as Json)["content"]);
    expect(record["status"]).toBe("completed");
    expect(helpers[0]?.["status"]).toBe("error");
    expect(helpers[1]?.["status"]).toBe("completed");
    expect(prompt).toContain("A: HELPER FAILED");
    expect(prompt.endsWith("Carry on without it.")).toBe(true);
  });

  test("failed main agent fails the run", async () => {
    const config = await createConfig(client, { mainAgentRef: "agent/agt_flaky", mainPrompt: "Go." });
    const run = jsonData(await getRun(client, await startRun(client, String(config["id"]))));
    expect(run["status"]).toBe("error");
    expect((run["main"] as Json)["status"]).toBe("error");
    expect(typeof run["errorMessage"]).toBe("string");
  });

  test("shared main agent runs", async () => {
    const config = await createConfig(client, {
      mainAgentRef: "shared/bob/editor",
      mainPrompt: "Edit this.",
    });
    const run = jsonData(await getRun(client, await startRun(client, String(config["id"]))));
    const main = run["main"] as Json;
    expect(run["status"]).toBe("completed");
    expect(main["agentUsername"]).toBe("bob");
    expect(main["agentRef"]).toBe("shared/bob/editor");
  });

  test("run list clamps limit", async () => {
    const config = await createConfig(client, FULL_CONFIG);
    const id = String(config["id"]);
    const runIds = [await startRun(client, id), await startRun(client, id), await startRun(client, id)];
    const list = async (query: string): Promise<unknown[]> =>
      jsonData<Json[]>(
        await client.call("alice", "listWorkflowRuns", "GET", `/v1/core/workflows/${id}/runs${query}`),
      ).map((run) => run["runId"]);
    expect(await list("")).toEqual([...runIds].reverse());
    expect(await list("?limit=0")).toEqual([runIds[2]]);
    expect(await list("?limit=500")).toHaveLength(3);
    expect(await list("?limit=1&offset=1")).toEqual([runIds[1]]);
    expect(await list("?limit=x&offset=-4")).toHaveLength(3);
  });

  test.each([
    ["unknown config", "alice", "wf_cfg_missing"],
    ["config of alice for bob", "bob", "<config>"],
  ] as const)("run list of %s gets 404", async (_name, caller, id) => {
    const path = `/v1/core/workflows/${id === "<config>" ? configId : id}/runs`;
    expect((await client.call(caller, "listWorkflowRuns", "GET", path)).status).toBe(404);
  });

  test.each([
    ["getWorkflowRun", "GET", ""],
    ["getHydratedWorkflowRun", "GET", "/hydrated"],
    ["streamWorkflowRun", "GET", "/stream"],
    ["cancelWorkflowRun", "POST", "/cancel"],
  ])("bob gets 404 from %s", async (operationId, method, suffix) => {
    const runId = await startRun(client, configId);
    const exchange = await client.call(
      "bob",
      operationId,
      method,
      `/v1/core/workflow-runs/${runId}${suffix}`,
    );
    expect(exchange.status).toBe(404);
  });

  test("stream of an ended run", async () => {
    const stream = await streamRun(client, await startRun(client, configId));
    const snapshot = eventPayloads(stream)[0] as Json;
    expect(eventTypes(stream)).toEqual(["snapshot", "workflow_completed"]);
    expect((snapshot["record"] as Json)["status"]).toBe("completed");
    expect(stream.events?.at(-1)).toBe("[DONE]");
  });

  test("cancel of an ended run", async () => {
    const runId = await startRun(client, configId);
    const cancelled = await client.call(
      "alice",
      "cancelWorkflowRun",
      "POST",
      `/v1/core/workflow-runs/${runId}/cancel`,
    );
    expect(jsonBody(cancelled)).toEqual({
      success: true,
      found: true,
      cancelled: false,
      alreadyCancelled: false,
    });
    expect(jsonData(await getRun(client, runId))["status"]).toBe("completed");
  });

  test.each([
    ["blank runId", 400, "%20"],
    ["unknown runId", 404, "wf_run_missing"],
  ])("cancel with %s gets %d", async (_name, status, runId) => {
    const cancelled = await client.call(
      "alice",
      "cancelWorkflowRun",
      "POST",
      `/v1/core/workflow-runs/${runId}/cancel`,
    );
    expect(cancelled.status).toBe(status);
  });

  test("steps record usage rows", async () => {
    const run = jsonData(await getRun(client, await startRun(client, configId)));
    const helper = (run["helpers"] as Json[])[0] as Json;
    const rows = jsonData<Json[]>(
      await client.call(
        "alice",
        "listUsageRecords",
        "GET",
        `/v1/core/usage/raw?last=1h&chatId=${String(helper["chatId"])}`,
      ),
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.["modelName"]).toBe("msq-mock-chat");
    expect(rows[0]?.["outputTokens"]).toBe((helper["usage"] as Json)["completionTokens"]);
  });
});

describe("startable workflows", () => {
  let client: CheckedClient;

  beforeAll(async () => {
    client = await startWorkflowMock();
  });

  afterAll(async () => {
    await client.mock.close();
  });

  function startable(id: string): StartableConfig | undefined {
    const alice = client.mock.deployment.store.findAccountByUsername("alice");
    if (alice === undefined) throw new Error("alice is not seeded");
    return client.mock.deployment.store.slot(alice, STARTABLE_WORKFLOWS).get(id);
  }

  test("saved config starts runs", async () => {
    const id = String((await createConfig(client, FULL_CONFIG))["id"]);
    const outcome = startable(id)?.start(JSON.stringify({ topic: "hooks", audience: { segment: "ops" } }));
    if (outcome?.ok !== true) throw new Error(`The start failed: ${JSON.stringify(outcome)}`);
    const run = jsonData(await getRun(client, String(outcome.runId)));
    expect(run["workflowConfigId"]).toBe(id);
    expect(((run["helpers"] as Json[])[0] as Json)["resolvedInput"]).toBe("hooks");
  });

  test("invalid payload fails with 400", async () => {
    const id = String((await createConfig(client, FULL_CONFIG))["id"]);
    expect(startable(id)?.start("[1]")).toMatchObject({ ok: false, status: 400 });
  });

  test("deleted config is removed", async () => {
    const id = String((await createConfig(client, FULL_CONFIG))["id"]);
    await client.call("alice", "deleteWorkflow", "DELETE", `/v1/core/workflows/${id}`);
    expect(startable(id)).toBeUndefined();
  });
});

describe("live workflow runs", () => {
  let client: CheckedClient;

  beforeAll(async () => {
    client = await startWorkflowMock({ timing: TIMED });
  });

  afterAll(async () => {
    await client.mock.close();
  });

  test("running run reports progress", async () => {
    const config = await createConfig(client, FULL_CONFIG);
    const runId = await startRun(client, String(config["id"]));
    const run = jsonData(await getRun(client, runId));
    expect(run["status"]).toBe("running");
    expect((run["resumeSnapshot"] as Json)["phase"]).toBe("helpers");
    await streamRun(client, runId);
  });

  test("stream sends every step in order", async () => {
    const config = await createConfig(client, {
      ...FULL_CONFIG,
      mainPrompt: "<agent/agt_research|#|topic> <researcher|#|audience>",
      concurrency: 1,
    });
    const stream = await streamRun(client, await startRun(client, String(config["id"])));
    const types = eventTypes(stream);
    const all = eventPayloads(stream);
    const position = (type: string, patternIndex?: number): number =>
      all.findIndex(
        (payload) =>
          payload["type"] === type &&
          (patternIndex === undefined || payload["patternIndex"] === patternIndex),
      );
    // The run starts when the 202 is sent, before the stream opens, so the snapshot shows it running.
    expect(types[0]).toBe("snapshot");
    expect(((all[0] as Json)["record"] as Json)["status"]).toBe("running");
    expect(types.at(-1)).toBe("workflow_completed");
    expect(position("helper_started", 0)).toBeLessThan(position("helper_content_delta", 0));
    expect(position("helper_completed", 0)).toBeLessThan(position("helper_started", 1));
    expect(position("helper_completed", 1)).toBeLessThan(position("main_started"));
    expect(position("main_content_delta")).toBeLessThan(position("main_usage"));
    for (const type of [
      "helper_message_start",
      "helper_message_stop",
      "helper_usage",
      "main_message_start",
    ]) {
      expect(types).toContain(type);
    }
    expect(types).toContain("main_completed");
  });

  test("concurrent helpers start together", async () => {
    const config = await createConfig(client, {
      ...FULL_CONFIG,
      mainPrompt: "<researcher|#|topic> <researcher|#|audience>",
    });
    const all = eventPayloads(await streamRun(client, await startRun(client, String(config["id"]))));
    const second = all.findIndex(
      (payload) => payload["type"] === "helper_started" && payload["patternIndex"] === 1,
    );
    const firstDone = all.findIndex((payload) => payload["type"] === "helper_completed");
    expect(second).toBeLessThan(firstDone);
  });

  test("stream sends heartbeats", async () => {
    const config = await createConfig(client, FULL_CONFIG);
    const stream = await streamRun(client, await startRun(client, String(config["id"])));
    expect(stream.comments.length).toBeGreaterThan(0);
    for (const comment of stream.comments) expect(comment).toMatch(HEARTBEAT);
  });

  test("failed helper streams helper_error", async () => {
    const config = await createConfig(client, { ...FULL_CONFIG, mainPrompt: "<agent/agt_flaky|#|topic>" });
    const types = eventTypes(await streamRun(client, await startRun(client, String(config["id"]))));
    expect(types).toContain("helper_error");
    expect(types.at(-1)).toBe("workflow_completed");
  });

  test("cancel ends the stream", async () => {
    const config = await createConfig(client, FULL_CONFIG);
    const runId = await startRun(client, String(config["id"]));
    const response = await fetch(`${client.mock.origin}/v1/core/workflow-runs/${runId}/stream`, {
      headers: { "x-api-key": TEST_KEYS["alice"] ?? "" },
      signal: AbortSignal.timeout(10_000),
    });
    const cancelPath = `/v1/core/workflow-runs/${runId}/cancel`;
    const first = await client.call("alice", "cancelWorkflowRun", "POST", cancelPath);
    const stream = await readExchange(response);
    const second = await client.call("alice", "cancelWorkflowRun", "POST", cancelPath);
    const run = jsonData(await getRun(client, runId));

    expect(jsonBody(first)).toEqual({ success: true, found: true, cancelled: true, alreadyCancelled: false });
    expect(eventTypes(stream).at(-1)).toBe("workflow_cancelled");
    expect(stream.events?.at(-1)).toBe("[DONE]");
    expect(jsonBody(second)).toEqual({
      success: true,
      found: true,
      cancelled: false,
      alreadyCancelled: true,
    });
    expect(run["status"]).toBe("cancelled");
    expect(typeof run["cancelledAt"]).toBe("number");
  });
});

describe("agent workflow stream", () => {
  let client: CheckedClient;
  const request = {
    agentName: "synthesizer",
    messages: [{ role: "user", content: "Summarize <researcher|#|topic> for {{ audience }}." }],
    data: { topic: "workflows", audience: "developers" },
  };

  beforeAll(async () => {
    client = await startWorkflowMock();
  });

  afterAll(async () => {
    await client.mock.close();
  });

  test("streams the workflow", async () => {
    const stream = await client.call(
      "alice",
      "streamAgentWorkflow",
      "POST",
      "/v1/core/agent-workflow",
      request,
    );
    const types = eventTypes(stream);
    expect(stream.status).toBe(200);
    expect(stream.headers["x-run-id"]).toMatch(/^run_/);
    expect(types.slice(0, 4)).toEqual(["status", "workflow_started", "helper_started", "helper_completed"]);
    expect(types).toContain("content_delta");
    expect(types.slice(-3)).toEqual(["message_stop", "final_result", "workflow_completed"]);
  });

  test("payloads carry no runId", async () => {
    const stream = await client.call(
      "alice",
      "streamAgentWorkflow",
      "POST",
      "/v1/core/agent-workflow",
      request,
    );
    expect(eventPayloads(stream).filter((payload) => "runId" in payload)).toEqual([]);
  });

  test("main call is recorded under the run id", async () => {
    const stream = await client.call(
      "alice",
      "streamAgentWorkflow",
      "POST",
      "/v1/core/agent-workflow",
      request,
    );
    const runId = stream.headers["x-run-id"] ?? "";
    const rows = jsonData<Json[]>(
      await client.call("alice", "listUsageRecords", "GET", `/v1/core/usage/raw?last=1h&chatId=${runId}`),
    );
    expect(rows).toHaveLength(1);
  });

  test.each([
    ["missing agentName", { messages: [] }],
    ["blank agentName", { agentName: " ", messages: [] }],
    ["messages not an array", { agentName: "synthesizer", messages: "hello" }],
    ["message without content", { agentName: "synthesizer", messages: [{ role: "user" }] }],
    ["concurrency zero", { ...request, concurrency: 0 }],
    ["data not an object", { ...request, data: [1] }],
  ])("%s gets 400", async (_name, json) => {
    expect(
      (await client.call("alice", "streamAgentWorkflow", "POST", "/v1/core/agent-workflow", json)).status,
    ).toBe(400);
  });

  test.each([
    ["unknown agent", { ...request, agentName: "nobody" }],
    ["unknown helper", { ...request, messages: [{ role: "user", content: "<agent/agt_missing|#|topic>" }] }],
    ["missing data path", { ...request, data: {} }],
  ])("%s ends with an error event", async (_name, json) => {
    const stream = await client.call("alice", "streamAgentWorkflow", "POST", "/v1/core/agent-workflow", json);
    expect(stream.status).toBe(200);
    expect(eventTypes(stream).at(-1)).toBe("error");
  });

  test("chat cancel stops the stream", async () => {
    const timed = await startWorkflowMock({ timing: TIMED });
    try {
      const response = await fetch(`${timed.mock.origin}/v1/core/agent-workflow`, {
        method: "POST",
        headers: {
          "x-api-key": TEST_KEYS["alice"] ?? "",
          "content-type": "application/json",
          "x-session-id": "legacy-session",
        },
        body: JSON.stringify(request),
        signal: AbortSignal.timeout(10_000),
      });
      const cancelled = await timed.call("alice", "cancelChatCompletion", "POST", "/v1/chat/cancel", {
        sessionId: "legacy-session",
      });
      const stream = await readExchange(response);
      expect(jsonBody(cancelled)["cancelled"]).toBe(true);
      expect(eventPayloads(stream).at(-1)).toEqual({
        type: "status",
        message: "The workflow was cancelled.",
      });
      expect(stream.events?.at(-1)).toBe("[DONE]");
    } finally {
      await timed.mock.close();
    }
  });
});

describe("workflow adapters", () => {
  const pair = new AdapterPair("http://127.0.0.1:4997");
  const configPath = (previous: readonly MockExchange[]): string =>
    `/v1/core/workflows/${String(jsonData(previous[1] as MockExchange)["id"])}`;
  const runPath = (previous: readonly MockExchange[]): string =>
    `/v1/core/workflow-runs/${String(jsonBody(previous[4] as MockExchange)["runId"])}`;
  const CASES: readonly PairedCase[] = [
    { name: "list configs", caller: "alice", method: "GET", path: "/v1/core/workflows", expectedStatus: 200 },
    {
      name: "create config",
      caller: "alice",
      method: "POST",
      path: "/v1/core/workflows",
      json: FULL_CONFIG,
      expectedStatus: 200,
    },
    {
      name: "create invalid config",
      caller: "alice",
      method: "POST",
      path: "/v1/core/workflows",
      json: { mainAgentRef: "agent/x" },
      expectedStatus: 400,
    },
    {
      name: "update config",
      caller: "alice",
      method: "PUT",
      path: configPath,
      json: { name: "Renamed" },
      expectedStatus: 200,
    },
    {
      name: "start run",
      caller: "alice",
      method: "POST",
      path: "/v1/core/workflow-runs",
      json: { workflowId: "wf_cfg_000001" },
      expectedStatus: 202,
    },
    { name: "get run", caller: "alice", method: "GET", path: runPath, expectedStatus: 200 },
    {
      name: "hydrated run",
      caller: "alice",
      method: "GET",
      path: (previous) => `${runPath(previous)}/hydrated`,
      expectedStatus: 200,
    },
    {
      name: "stream run",
      caller: "alice",
      method: "GET",
      path: (previous) => `${runPath(previous)}/stream`,
      expectedStatus: 200,
    },
    { name: "run of alice for bob", caller: "bob", method: "GET", path: runPath, expectedStatus: 404 },
    {
      name: "list runs",
      caller: "alice",
      method: "GET",
      path: (previous) => `${configPath(previous)}/runs?limit=500`,
      expectedStatus: 200,
    },
    {
      name: "cancel ended run",
      caller: "alice",
      method: "POST",
      path: (previous) => `${runPath(previous)}/cancel`,
      expectedStatus: 200,
    },
    {
      name: "agent workflow",
      caller: "alice",
      method: "POST",
      path: "/v1/core/agent-workflow",
      json: {
        agentName: "synthesizer",
        messages: [{ role: "user", content: "<researcher|#|topic>" }],
        data: { topic: "x" },
      },
      expectedStatus: 200,
    },
    { name: "delete config", caller: "alice", method: "DELETE", path: configPath, expectedStatus: 200 },
    { name: "delete config again", caller: "alice", method: "DELETE", path: configPath, expectedStatus: 200 },
  ];

  beforeAll(async () => {
    await pair.start(seedWorkflowAgents);
  });

  afterAll(async () => {
    await pair.close();
  });

  // The cases run in order on both deployments, so their stores and id sequences stay in step.
  test.each(CASES.map((testCase) => [testCase.name, testCase] as const))(
    "%s answers alike",
    async (_name, testCase) => {
      const [overHttp, inProcess] = await pair.send(testCase);
      expectAnswersAlike(overHttp, inProcess, testCase.expectedStatus);
      expect(inProcess.headers["x-run-id"]).toBe(overHttp.headers["x-run-id"]);
    },
  );
});

/** Timing of the fault probes: runs take about 0.1 s and heartbeats come every 10 ms. */
const PROBE_TIMING = parseTimingModel(
  { chat: { ttftMs: 30, interTokenMs: 5, tokensPerChunk: 2, outputTokens: 4 }, workflowHeartbeatMs: 10 },
  "workflow probe timing",
);

/** Creates alice's full config and starts a run of it; returns the run id. */
async function probeRun(
  client: CheckedClient,
): Promise<{ configId: string; runId: string; started: MockExchange }> {
  const config = await sendRequest(client.mock.origin, "alice", "POST", "/v1/core/workflows", FULL_CONFIG);
  const configId = String(jsonData(config)["id"]);
  const started = await sendRequest(client.mock.origin, "alice", "POST", "/v1/core/workflow-runs", {
    workflowId: configId,
  });
  return { configId, runId: String(jsonBody(started)["runId"]), started };
}

function probeStream(client: CheckedClient, runId: string): Promise<MockExchange> {
  return sendRequest(client.mock.origin, "alice", "GET", `/v1/core/workflow-runs/${runId}/stream`);
}

/** For each workflow fault, a probe that returns true when the documented rule was broken. */
const PROBES: Readonly<Record<string, (client: CheckedClient) => Promise<boolean>>> = {
  "workflow-stream-snapshot-not-first": async (client) => {
    const { runId } = await probeRun(client);
    return eventTypes(await probeStream(client, runId))[0] !== "snapshot";
  },
  "workflow-stream-heartbeat-malformed": async (client) => {
    const { runId } = await probeRun(client);
    const stream = await probeStream(client, runId);
    return stream.comments.some((comment) => !HEARTBEAT.test(comment));
  },
  "workflow-stream-done-missing": async (client) => {
    const { runId } = await probeRun(client);
    return (await probeStream(client, runId)).events?.at(-1) !== "[DONE]";
  },
  "workflow-run-across-accounts": async (client) => {
    const { runId } = await probeRun(client);
    return (
      (await sendRequest(client.mock.origin, "bob", "GET", `/v1/core/workflow-runs/${runId}`)).status === 200
    );
  },
  "workflow-cancel-flags-wrong": async (client) => {
    const { runId } = await probeRun(client);
    await probeStream(client, runId);
    const cancelled = await sendRequest(
      client.mock.origin,
      "alice",
      "POST",
      `/v1/core/workflow-runs/${runId}/cancel`,
    );
    return jsonBody(cancelled)["cancelled"] !== false;
  },
  "workflow-delete-unknown-answered-404": async (client) =>
    (await sendRequest(client.mock.origin, "alice", "DELETE", "/v1/core/workflows/wf_cfg_missing")).status !==
    200,
  "workflow-run-start-answered-200": async (client) => (await probeRun(client)).started.status !== 202,
  "agent-workflow-run-id-header-missing": async (client) => {
    const stream = await sendRequest(client.mock.origin, "alice", "POST", "/v1/core/agent-workflow", {
      agentName: "synthesizer",
      messages: [{ role: "user", content: "hello" }],
    });
    return stream.headers["x-run-id"] === undefined;
  },
  "workflow-config-defaults-missing": async (client) =>
    jsonData(await sendRequest(client.mock.origin, "alice", "POST", "/v1/core/workflows", {}))[
      "concurrency"
    ] !== 1,
  "workflow-runs-limit-rejected": async (client) => {
    const { configId } = await probeRun(client);
    return (
      (await sendRequest(client.mock.origin, "alice", "GET", `/v1/core/workflows/${configId}/runs?limit=500`))
        .status !== 200
    );
  },
};

describe("workflow faults", () => {
  test("every workflow fault has a probe", () => {
    expect(Object.keys(PROBES).sort()).toEqual(faultNamesOf("workflows"));
  });

  test.each(Object.entries(PROBES))("%s breaks its rule", async (name, probe) => {
    await expectProbeBreaksRule(
      name,
      (mock) => {
        seedWorkflowAgents(mock.deployment);
        return probe(new CheckedClient(mock, registry));
      },
      { timing: PROBE_TIMING },
    );
  });
});
