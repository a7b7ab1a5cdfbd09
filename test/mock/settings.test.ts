import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startMock, type RunningMock } from "../../src/mock/server.ts";
import { ValidatorRegistry } from "../../src/validation/validator-registry.ts";
import { AgentsClient, body, type Caller } from "./agents-client.ts";

let mock: RunningMock;
let client: AgentsClient;

beforeAll(async () => {
  mock = await startMock();
  client = new AgentsClient(mock.origin, await ValidatorRegistry.load());
});

afterAll(async () => {
  await mock.close();
});

const settings = async (caller: Caller): Promise<Record<string, unknown>> =>
  body(await client.call(caller, "getUserSettings", "GET", "/v1/core/user/settings"))["settings"] as Record<
    string,
    unknown
  >;

const update = (caller: Caller, json: unknown) =>
  client.call(caller, "updateUserSettings", "PUT", "/v1/core/user/settings", json);

const status = async (caller: Caller): Promise<Record<string, unknown>> =>
  body(await client.call(caller, "getConfigAgentStatus", "GET", "/v1/core/config-agent/status"));

const provision = (caller: Caller, json: unknown) =>
  client.call(caller, "provisionConfigAgent", "POST", "/v1/core/config-agent/provision", json);

describe("user settings", () => {
  test("defaults select no agents", async () => {
    const defaults = await settings("carol");
    expect(defaults["userId"]).toBe("usr_carol");
    expect(defaults["utilityAgents"]).toEqual({ titleAgent: null, configAgent: null });
  });

  test("update changes only the keys sent", async () => {
    await update("bob", { utilityAgents: { titleAgent: "titler", configAgent: "configurer" } });
    const updated = await update("bob", { utilityAgents: { configAgent: null } });
    expect(updated.status).toBe(200);
    expect((body(updated)["settings"] as Record<string, unknown>)["utilityAgents"]).toEqual({
      titleAgent: "titler",
      configAgent: null,
    });
  });

  test("an empty body changes nothing", async () => {
    const before = await settings("bob");
    expect((await update("bob", {})).status).toBe(200);
    expect((await settings("bob"))["utilityAgents"]).toEqual(before["utilityAgents"]);
  });

  test("other accounts keep their own", async () => {
    await update("bob", { utilityAgents: { titleAgent: "bob-titler" } });
    expect((await settings("alice"))["utilityAgents"]).toEqual({ titleAgent: null, configAgent: null });
  });

  test.each([
    ["empty titleAgent", { utilityAgents: { titleAgent: "" } }],
    ["numeric configAgent", { utilityAgents: { configAgent: 3 } }],
    ["utilityAgents not an object", { utilityAgents: "title-agent" }],
    ["body not an object", ["title-agent"]],
  ])("%s gets 400 Invalid payload", async (_name, json) => {
    const rejected = await update("alice", json);
    expect(rejected.status).toBe(400);
    expect(String(body(rejected)["message"])).toMatch(/^Invalid payload/);
  });

  test("no key gets 401", async () => {
    expect((await client.call("none", "getUserSettings", "GET", "/v1/core/user/settings")).status).toBe(401);
  });
});

describe("config agent", () => {
  test("starts unprovisioned with the account's providers", async () => {
    const initial = await status("alice");
    expect(initial["provisioned"]).toBe(false);
    expect(initial["agentName"]).toBeNull();
    expect(initial["ready"]).toBe(false);
    expect(initial["availableProviders"]).toEqual([{ providerKey: "openai", modelName: "gpt-4o" }]);
  });

  test.each([
    ["missing providerKey", {}],
    ["unconfigured provider", { providerKey: "anthropic" }],
    ["provider without a config agent model", { providerKey: "ollama" }],
  ])("provision with %s gets 400", async (_name, json) => {
    expect((await provision("alice", json)).status).toBe(400);
  });

  test("provisioning makes it ready and selects it", async () => {
    const provisioned = await provision("bob", { providerKey: "openai" });
    expect(body(provisioned)).toEqual({ success: true, message: "Config agent provisioned successfully" });
    const ready = await status("bob");
    expect([ready["provisioned"], ready["agentName"], ready["ready"]]).toEqual([
      true,
      "msq-config-agent",
      true,
    ]);
    expect(((await settings("bob"))["utilityAgents"] as Record<string, unknown>)["configAgent"]).toBe(
      "msq-config-agent",
    );
  });

  test("provisioning twice gets 409", async () => {
    await provision("carol", { providerKey: "openai" });
    expect((await provision("carol", { providerKey: "openai" })).status).toBe(409);
  });

  test("the config agent is protected", async () => {
    await provision("carol", { providerKey: "openai" });
    const updated = await client.call("carol", "updateAgent", "PUT", "/v1/core/update/agent", {
      name: "msq-config-agent",
      description: "x",
    });
    expect(updated.status).toBe(403);
  });

  test("other accounts stay unprovisioned", async () => {
    await provision("carol", { providerKey: "openai" });
    expect((await status("alice"))["provisioned"]).toBe(false);
  });

  test("losing the provider makes it not ready", async () => {
    await provision("alice", { providerKey: "openai" });
    await client.call("alice", "deleteProvider", "POST", "/v1/core/delete/provider", {
      providerKey: "openai",
    });
    const lost = await status("alice");
    expect(lost["provisioned"]).toBe(true);
    expect(lost["ready"]).toBe(false);
  });
});

describe("config agent chat", () => {
  const chat = async (caller: Caller): Promise<Record<string, unknown>> =>
    body(await client.call(caller, "getConfigAgentChat", "GET", "/v1/core/config-agent/chat"));
  const save = (caller: Caller, json: unknown) =>
    client.call(caller, "saveConfigAgentChat", "POST", "/v1/core/config-agent/chat", json);
  const messages = [
    { role: "user", content: "Add a model named my-gpt4." },
    {
      role: "assistant",
      content: "Done.",
      tokenUsage: { promptTokens: 5, completionTokens: 1, totalTokens: 6 },
    },
  ];

  test("none is saved at first", async () => {
    expect(await chat("carol")).toEqual({ success: true, id: null, messages: [] });
  });

  test("save then read back", async () => {
    const saved = await save("alice", { messages, providerState: { cursor: 1 } });
    const id = body(saved)["id"];
    expect(await chat("alice")).toEqual({ success: true, id, messages, providerState: { cursor: 1 } });
  });

  test("saving again keeps the id", async () => {
    const first = body(await save("bob", { messages }))["id"];
    const second = body(await save("bob", { messages: [] }))["id"];
    expect(second).toBe(first);
  });

  test("save with an id uses it", async () => {
    expect(body(await save("bob", { id: "cfgchat_custom", messages }))["id"]).toBe("cfgchat_custom");
  });

  test("new starts an empty conversation", async () => {
    const before = body(await save("alice", { messages }))["id"];
    const started = await client.call(
      "alice",
      "createConfigAgentChat",
      "POST",
      "/v1/core/config-agent/chat/new",
    );
    const id = body(started)["id"];
    expect(id).not.toBe(before);
    expect(await chat("alice")).toEqual({ success: true, id, messages: [] });
  });

  test("conversations stay in their account", async () => {
    await save("bob", { id: "bob-conversation", messages });
    expect((await chat("carol"))["id"]).not.toBe("bob-conversation");
  });

  test.each([
    ["missing messages", {}],
    ["messages not a list", { messages: "hello" }],
    ["message without role", { messages: [{ content: "hello" }] }],
    ["providerState not an object", { messages: [], providerState: [] }],
  ])("save with %s gets 400", async (_name, json) => {
    expect((await save("alice", json)).status).toBe(400);
  });
});
