import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startMock, type RunningMock } from "../../src/mock/server.ts";
import { ValidatorRegistry } from "../../src/validation/validator-registry.ts";
import { AgentsClient, USER_MESSAGE, type AgentExchange, type Caller } from "./agents-client.ts";
import { comparable, startMswDeployment, type MswDeployment } from "./support/adapter-pair.ts";

/** Origin the msw handlers intercept in this test. Nothing listens there. */
const MSW_ORIGIN = "http://127.0.0.1:4998";

/** Fields that contain the time of a request, which two deployments cannot share. */
interface Step {
  readonly name: string;
  readonly caller: Caller;
  readonly operationId: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly json?: unknown;
}

function step(
  name: string,
  caller: Caller,
  operationId: string,
  request: string,
  status: number,
  json?: unknown,
): Step {
  const [method = "GET", path = "/"] = request.split(" ");
  return { name, caller, operationId, method, path, status, ...(json === undefined ? {} : { json }) };
}

const SHARES = "/v1/core/agents/alice/adapter-agent";
const ROUTE = "/v1/public/agent/alice/adapter-agent";
const RUN = "/v1/public/runs/{runId}";
const AGENT = {
  name: "Adapter Agent",
  description: "d",
  systemPrompt: "s",
  model: "msq-mock-chat",
  voice: { savedVoiceName: "narrator" },
};
const SESSION = {
  id: "s1",
  title: "t",
  createdAt: 1,
  updatedAt: 2,
  messages: [{ role: "user", content: "hi" }],
};

/**
 * Requests that reach every operation of the agents, public agents and settings areas. They run
 * in order on both deployments, so the stores and id sequences of the two stay in step.
 */
const STEPS: readonly Step[] = [
  step("create agent", "alice", "createAgent", "POST /v1/core/add/agent", 200, AGENT),
  step("duplicate agent", "alice", "createAgent", "POST /v1/core/add/agent", 409, AGENT),
  step("update agent", "alice", "updateAgent", "PUT /v1/core/update/agent", 200, {
    name: "Adapter Agent",
    description: "updated",
  }),
  step("list agents", "alice", "listAgents", "GET /v1/core/agents", 200),
  step("speak", "alice", "streamAgentSpeech", "POST /v1/core/agent/speak", 200, {
    name: "Adapter Agent",
    messages: USER_MESSAGE,
  }),
  step("publish", "alice", "publishAgent", "POST /v1/core/agents/publish", 200, {
    agentId: "{agentId}",
    agentName: "Adapter Agent",
  }),
  step("published list", "alice", "listPublishedAgents", "GET /v1/core/agents/published", 200),
  step("share", "alice", "createAgentShare", `POST ${SHARES}/shares`, 200, {
    recipient: "Bob",
    editable: true,
  }),
  step("share forbidden", "bob", "createAgentShare", `POST ${SHARES}/shares`, 403, { recipient: "carol" }),
  step("share list", "alice", "listAgentShares", `GET ${SHARES}/shares`, 200),
  step("shared with me", "bob", "listAgentsSharedWithMe", "GET /v1/core/agents/shared-with-me", 200),
  step("shared config", "bob", "getSharedAgentConfig", `GET ${SHARES}/config`, 200),
  step("shared config update", "bob", "updateSharedAgentConfig", `PUT ${SHARES}/config`, 200, {
    description: "by bob",
  }),
  step("field not editable", "bob", "updateSharedAgentConfig", `PUT ${SHARES}/config`, 400, { name: "x" }),
  step("owner tools", "bob", "listSharedAgentOwnerTools", `GET ${SHARES}/owner-tools`, 200),
  step("owner embeddings", "bob", "listSharedAgentOwnerEmbeddings", `GET ${SHARES}/owner-embeddings`, 200),
  step("owner voices", "bob", "listSharedAgentOwnerVoices", `GET ${SHARES}/owner-voices`, 200),
  step("public meta", "bob", "getPublicAgent", `GET ${ROUTE}`, 200),
  step("public meta forbidden", "carol", "getPublicAgent", `GET ${ROUTE}`, 403),
  step("public chat", "bob", "createPublicAgentChatCompletion", `POST ${ROUTE}/chat`, 200, {
    messages: USER_MESSAGE,
  }),
  step("public chat stream", "bob", "createPublicAgentChatCompletion", `POST ${ROUTE}/chat`, 200, {
    messages: USER_MESSAGE,
    stream: true,
  }),
  step("public speak", "bob", "streamPublicAgentSpeech", `POST ${ROUTE}/speak`, 200, {
    messages: USER_MESSAGE,
  }),
  step("save session", "bob", "savePublicAgentSession", `POST ${ROUTE}/sessions`, 200, SESSION),
  step("list sessions", "bob", "listPublicAgentSessions", `GET ${ROUTE}/sessions?limit=5`, 200),
  step("get session", "bob", "getPublicAgentSession", `GET ${ROUTE}/sessions/s1`, 200),
  step("rename session", "bob", "updatePublicAgentSessionTitle", `PATCH ${ROUTE}/sessions/s1/title`, 200, {
    title: "renamed",
  }),
  step("delete session", "bob", "deletePublicAgentSession", `DELETE ${ROUTE}/sessions/s1`, 200),
  step("delete missing session", "bob", "deletePublicAgentSession", `DELETE ${ROUTE}/sessions/s1`, 200),
  step("get run", "bob", "getPublicRun", `GET ${RUN}`, 200),
  step("stream run", "bob", "streamPublicRun", `GET ${RUN}/stream`, 200),
  step("cancel run", "bob", "cancelPublicRun", `POST ${RUN}/cancel`, 200),
  step("revoke share", "alice", "revokeAgentShare", `DELETE ${SHARES}/shares`, 200, {
    recipientType: "username",
    recipient: "bob",
  }),
  step("delete agent", "alice", "deleteAgent", "POST /v1/core/delete/agent", 200, { name: "Adapter Agent" }),
  step("settings", "alice", "getUserSettings", "GET /v1/core/user/settings", 200),
  step("update settings", "alice", "updateUserSettings", "PUT /v1/core/user/settings", 200, {
    utilityAgents: { titleAgent: "titler" },
  }),
  step("invalid settings", "alice", "updateUserSettings", "PUT /v1/core/user/settings", 400, {
    utilityAgents: { titleAgent: "" },
  }),
  step("config agent status", "alice", "getConfigAgentStatus", "GET /v1/core/config-agent/status", 200),
  step("provision", "alice", "provisionConfigAgent", "POST /v1/core/config-agent/provision", 200, {
    providerKey: "openai",
  }),
  step("provision again", "alice", "provisionConfigAgent", "POST /v1/core/config-agent/provision", 409, {
    providerKey: "openai",
  }),
  step("save config chat", "alice", "saveConfigAgentChat", "POST /v1/core/config-agent/chat", 200, {
    messages: USER_MESSAGE,
  }),
  step("config chat", "alice", "getConfigAgentChat", "GET /v1/core/config-agent/chat", 200),
  step("new config chat", "alice", "createConfigAgentChat", "POST /v1/core/config-agent/chat/new", 200),
];

let httpMock: RunningMock;
let registry: ValidatorRegistry;
let overHttp: AgentsClient;
let inProcess: AgentsClient;
let msw: MswDeployment;

beforeAll(async () => {
  httpMock = await startMock();
  registry = await ValidatorRegistry.load();
  overHttp = new AgentsClient(httpMock.origin, registry);
  inProcess = new AgentsClient(MSW_ORIGIN);
  msw = await startMswDeployment(MSW_ORIGIN);
});

afterAll(async () => {
  msw.close();
  await httpMock.close();
});

/** Ids that earlier steps created, for the `{agentId}` and `{runId}` placeholders of later steps. */
const createdIds: Record<string, string> = {};

function rememberIds(exchange: AgentExchange): void {
  const runId = exchange.headers["x-run-id"];
  if (runId !== undefined) createdIds["runId"] ??= runId;
  const data = (exchange.json as { data?: { id?: unknown } } | undefined)?.data;
  if (typeof data?.id === "string" && data.id.startsWith("agt_")) createdIds["agentId"] ??= data.id;
}

function withIds(text: string): string {
  return text.replace(/\{(agentId|runId)\}/g, (placeholder, name: string) => createdIds[name] ?? placeholder);
}

describe("agent area adapters", () => {
  test("steps reach every operation", () => {
    const tags = new Set(["Agents", "Public agents", "Settings"]);
    const documented = registry
      .operations()
      .filter((operation) => tags.has(operation.tag))
      .map((operation) => operation.operationId)
      .sort();
    expect([...new Set(STEPS.map((step) => step.operationId))].sort()).toEqual(documented);
  });

  test.each(STEPS.map((step) => [step.name, step] as const))(
    "%s matches over both adapters",
    async (_name, step) => {
      const path = withIds(step.path);
      const json =
        step.json === undefined ? undefined : (JSON.parse(withIds(JSON.stringify(step.json))) as unknown);
      const http = await overHttp.call(step.caller, step.operationId, step.method, path, json);
      const msw = await inProcess.call(step.caller, step.operationId, step.method, path, json);
      expect(http.status).toBe(step.status);
      expect(msw.status).toBe(http.status);
      expect(msw.contentType).toBe(http.contentType);
      expect(msw.headers["x-run-id"]).toBe(http.headers["x-run-id"]);
      expect(comparable(msw)).toEqual(comparable(http));
      rememberIds(http);
    },
  );
});
