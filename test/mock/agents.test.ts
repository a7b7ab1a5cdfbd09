import { fileTypeFromBuffer } from "file-type";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { PUBLISHING_POLICY } from "../../src/mock/areas/agents/agent-publishing.ts";
import { readWav } from "../../src/mock/areas/audio/containers/wav.ts";
import { startMock, type RunningMock } from "../../src/mock/server.ts";
import { ValidatorRegistry } from "../../src/validation/validator-registry.ts";
import {
  AgentsClient,
  USER_MESSAGE,
  body,
  dataOf,
  eventKinds,
  listOf,
  speechAudio,
  type Caller,
} from "./agents-client.ts";
import { eventPayloads } from "./support/mock-exchange.ts";

let mock: RunningMock;
let client: AgentsClient;

beforeAll(async () => {
  mock = await startMock();
  client = new AgentsClient(mock.origin, await ValidatorRegistry.load());
});

afterAll(async () => {
  await mock.close();
});

const agents = async (caller: Caller): Promise<Record<string, { config: Record<string, unknown> }>> =>
  dataOf(await client.call(caller, "listAgents", "GET", "/v1/core/agents")) as Record<
    string,
    { config: Record<string, unknown> }
  >;

const chatWith = (caller: Caller, model: string) =>
  client.call(caller, "createChatCompletion", "POST", "/v1/chat/completions", {
    model,
    messages: USER_MESSAGE,
  });

const configOf = (caller: Caller, owner: string, slug: string) =>
  client.call(caller, "getSharedAgentConfig", "GET", `/v1/core/agents/${owner}/${slug}/config`);

const updateConfig = (caller: Caller, owner: string, slug: string, json: unknown) =>
  client.call(caller, "updateSharedAgentConfig", "PUT", `/v1/core/agents/${owner}/${slug}/config`, json);

describe("agent configs", () => {
  test("create returns the saved config", async () => {
    const created = await client.createAgent("alice", "create-check", {
      modelOptions: { temperature: 0.2, maxTokens: 5 },
    });
    expect(created.status).toBe(200);
    expect(body(created)["status"]).toBe("success");
    expect(dataOf(created)["name"]).toBe("create-check");
    expect(dataOf(created)["timezoneOffset"]).toBe("-0500");
    expect(dataOf(created)["modelId"]).toMatch(/^mdl_/);
  });

  test("list is a map keyed by name", async () => {
    await client.createAgent("alice", "list-check");
    const list = await agents("alice");
    expect(list["list-check"]?.config["name"]).toBe("list-check");
    expect((list["list-check"] as unknown as Record<string, unknown>)["type"]).toBe("user-agent");
  });

  test("duplicate name gets 409", async () => {
    await client.createAgent("alice", "duplicate-check");
    expect((await client.createAgent("alice", "duplicate-check")).status).toBe(409);
  });

  test("overwrite replaces and keeps the id", async () => {
    const first = await client.createAgent("alice", "overwrite-check");
    const second = await client.createAgent("alice", "overwrite-check", {
      overwrite: true,
      description: "second",
    });
    expect(second.status).toBe(200);
    expect(dataOf(second)["id"]).toBe(dataOf(first)["id"]);
    expect((await agents("alice"))["overwrite-check"]?.config["description"]).toBe("second");
  });

  test("rename with previousName keeps the id", async () => {
    const first = await client.createAgent("alice", "rename-before");
    const renamed = await client.createAgent("alice", "rename-after", { previousName: "rename-before" });
    const list = await agents("alice");
    expect(dataOf(renamed)["id"]).toBe(dataOf(first)["id"]);
    expect(list["rename-before"]).toBeUndefined();
    expect(list["rename-after"]).toBeDefined();
  });

  test("tools resolve to selectedFunctions", async () => {
    const created = await client.createAgent("alice", "tools-check", { tools: ["weather", "calculator"] });
    expect(dataOf(created)["selectedFunctions"]).toEqual({
      "weather-server": ["weather"],
      "calculator-server": ["calculator"],
    });
  });

  const base = { name: "invalid-check", description: "", systemPrompt: "s", model: "msq-mock-chat" };
  test.each([
    ["missing name", { ...base, name: undefined }],
    ["missing description", { ...base, description: undefined }],
    ["missing systemPrompt", { ...base, systemPrompt: undefined }],
    ["missing model", { ...base, model: undefined }],
    ["expired systemPromptId", { ...base, systemPrompt: undefined, systemPromptId: "prompt_1" }],
    ["unknown tool", { ...base, tools: ["no-such-tool"] }],
    ["embedding model", { ...base, model: "text-embedding-3-small" }],
    ["invalid timezoneOffset", { ...base, timezoneOffset: "EST" }],
    ["invalid voice format", { ...base, voice: { savedVoiceName: "narrator", responseFormat: "ogg" } }],
    ["maxTokens below 1", { ...base, modelOptions: { maxTokens: 0 } }],
  ])("create with %s gets 400", async (_name, json) => {
    expect((await client.call("alice", "createAgent", "POST", "/v1/core/add/agent", json)).status).toBe(400);
  });

  test("create with unknown model gets 404", async () => {
    expect((await client.createAgent("alice", "unknown-model", { model: "no-such-model" })).status).toBe(404);
  });

  test("update changes only the fields sent", async () => {
    await client.createAgent("alice", "update-check", { modelOptions: { temperature: 0.2 } });
    const updated = await client.call("alice", "updateAgent", "PUT", "/v1/core/update/agent", {
      name: "update-check",
      description: "updated",
      maxTokens: 7,
    });
    expect(updated.status).toBe(200);
    expect(dataOf(updated)["description"]).toBe("updated");
    expect(dataOf(updated)["systemPrompt"]).toBe("You are helpful.");
    expect(dataOf(updated)["modelOptions"]).toEqual({ temperature: 0.2, maxTokens: 7 });
  });

  test.each([
    ["missing name", { description: "x" }, 400],
    ["title-agent", { name: "title-agent", description: "x" }, 403],
    ["msq-config-agent", { name: "msq-config-agent", description: "x" }, 403],
    ["unknown agent", { name: "no-such-agent", description: "x" }, 404],
    ["unknown model", { name: "update-check", model: "no-such-model" }, 404],
    ["expired systemPromptId", { name: "update-check", systemPromptId: "prompt_1" }, 400],
  ])("update with %s gets %i", async (_name, json, status) => {
    await client.createAgent("alice", "update-check", { overwrite: true });
    expect((await client.call("alice", "updateAgent", "PUT", "/v1/core/update/agent", json)).status).toBe(
      status,
    );
  });

  test("delete removes the agent", async () => {
    await client.createAgent("alice", "delete-check");
    const deleted = await client.call("alice", "deleteAgent", "POST", "/v1/core/delete/agent", {
      name: "delete-check",
    });
    expect(deleted.status).toBe(200);
    expect((await agents("alice"))["delete-check"]).toBeUndefined();
  });

  test.each([
    ["unknown agent", { name: "no-such-agent" }, 404],
    ["missing name", {}, 400],
  ])("delete with %s gets %i", async (_name, json, status) => {
    expect((await client.call("alice", "deleteAgent", "POST", "/v1/core/delete/agent", json)).status).toBe(
      status,
    );
  });

  test("request without key gets 401", async () => {
    expect((await client.call("none", "listAgents", "GET", "/v1/core/agents")).status).toBe(401);
  });
});

describe("agent namespacing", () => {
  beforeAll(async () => {
    await client.createAgent("alice", "alice-private");
  });

  test("other accounts do not list it", async () => {
    expect((await agents("bob"))["alice-private"]).toBeUndefined();
  });

  test.each([
    ["update", "updateAgent", "PUT", "/v1/core/update/agent", { name: "alice-private", description: "bob" }],
    ["delete", "deleteAgent", "POST", "/v1/core/delete/agent", { name: "alice-private" }],
    [
      "speak",
      "streamAgentSpeech",
      "POST",
      "/v1/core/agent/speak",
      { name: "alice-private", messages: USER_MESSAGE },
    ],
  ])("%s by another account gets 404", async (_name, operationId, method, path, json) => {
    expect((await client.call("bob", operationId, method, path, json)).status).toBe(404);
  });

  test("publish by another account gets 404", async () => {
    const id = String((await agents("alice"))["alice-private"]?.config["id"]);
    const published = await client.call("bob", "publishAgent", "POST", "/v1/core/agents/publish", {
      agentId: id,
      agentName: "alice-private",
    });
    expect(published.status).toBe(404);
  });

  test("the owner still has it", async () => {
    expect((await agents("alice"))["alice-private"]?.config["description"]).toBe("alice-private for tests");
  });
});

describe("agent speech", () => {
  beforeAll(async () => {
    await client.createAgent("alice", "speaker");
    await client.createAgent("alice", "mute", { voice: undefined });
  });

  const speak = (json: Record<string, unknown>) =>
    client.call("alice", "streamAgentSpeech", "POST", "/v1/core/agent/speak", {
      name: "speaker",
      messages: USER_MESSAGE,
      ...json,
    });

  test("events come in the documented order", async () => {
    const kinds = eventKinds(await speak({ ttsOverrides: { responseFormat: "wav" } }));
    expect(kinds[0]).toBe("status");
    expect(kinds[1]).toBe("text_delta");
    expect(kinds.indexOf("message_stop")).toBeLessThan(kinds.indexOf("audio_chunk"));
    expect(kinds.lastIndexOf("audio_chunk")).toBeLessThan(kinds.indexOf("audio_stop"));
    expect(kinds.at(-1)).toBe("[DONE]");
  });

  test("wav audio carries the spoken text", async () => {
    const stream = await speak({ ttsOverrides: { responseFormat: "wav" } });
    const text = eventPayloads(stream)
      .filter((payload) => payload["type"] === "text_delta")
      .map((payload) => payload["content"])
      .join("");
    expect(readWav(speechAudio(stream))?.comment).toBe(text);
  });

  test("audio defaults to opus", async () => {
    expect((await fileTypeFromBuffer(speechAudio(await speak({}))))?.mime).toBe("audio/ogg; codecs=opus");
  });

  test("agent without voice gets an in-band error", async () => {
    const stream = await client.call("alice", "streamAgentSpeech", "POST", "/v1/core/agent/speak", {
      name: "mute",
      messages: USER_MESSAGE,
    });
    expect(stream.status).toBe(200);
    expect(eventKinds(stream)).toEqual(["status", "error", "[DONE]"]);
  });

  test.each([
    ["missing name", { name: undefined, messages: USER_MESSAGE }, 400],
    ["missing messages", { name: "speaker" }, 400],
    ["invalid message role", { name: "speaker", messages: [{ role: "robot", content: "x" }] }, 400],
    [
      "unknown processor agent",
      { name: "speaker", messages: USER_MESSAGE, processorAgentName: "nobody" },
      400,
    ],
    [
      "invalid override format",
      { name: "speaker", messages: USER_MESSAGE, ttsOverrides: { responseFormat: "ogg" } },
      400,
    ],
    ["unknown agent", { name: "nobody", messages: USER_MESSAGE }, 404],
  ])("%s gets %i", async (_name, json, status) => {
    expect(
      (await client.call("alice", "streamAgentSpeech", "POST", "/v1/core/agent/speak", json)).status,
    ).toBe(status);
  });
});

describe("agent publishing", () => {
  test("toggle keeps the slug derived from the name", async () => {
    const created = await client.createAgent("alice", "Release Notes");
    const id = String(dataOf(created)["id"]);
    const first = await client.call("alice", "publishAgent", "POST", "/v1/core/agents/publish", {
      agentId: id,
      agentName: "Release Notes",
    });
    const second = await client.call("alice", "publishAgent", "POST", "/v1/core/agents/publish", {
      agentId: id,
      agentName: "Release Notes",
    });
    expect(dataOf(first)["slug"]).toBe("release-notes");
    expect(dataOf(first)["isPublished"]).toBe(true);
    expect(dataOf(second)["isPublished"]).toBe(false);
    expect(dataOf(second)["slug"]).toBe("release-notes");
  });

  test("published list keeps unpublished records", async () => {
    const list = listOf(
      await client.call("alice", "listPublishedAgents", "GET", "/v1/core/agents/published"),
    );
    const record = list.find((entry) => entry["agentName"] === "Release Notes");
    expect(record?.["isPublished"]).toBe(false);
    expect(record?.["username"]).toBe("alice");
  });

  test("conflicting slug gets 409", async () => {
    await client.publishedAgent("alice", "slug one");
    const other = await client.createAgent("alice", "Slug-One");
    const id = String(dataOf(other)["id"]);
    const published = await client.call("alice", "publishAgent", "POST", "/v1/core/agents/publish", {
      agentId: id,
      agentName: "Slug-One",
    });
    expect(published.status).toBe(409);
  });

  test("limit reached gets 429", async () => {
    const policy = mock.deployment.store.slot(
      mock.deployment.store.findAccountByUsername("carol")!,
      PUBLISHING_POLICY,
    );
    policy.maxPublishedAgents = 1;
    try {
      await client.publishedAgent("carol", "limit-one");
      const second = await client.createAgent("carol", "limit-two");
      const id = String(dataOf(second)["id"]);
      const published = await client.call("carol", "publishAgent", "POST", "/v1/core/agents/publish", {
        agentId: id,
        agentName: "limit-two",
      });
      expect(published.status).toBe(429);
      expect(body(published)["error"]).toBe("LIMIT_EXCEEDED");
    } finally {
      policy.maxPublishedAgents = 10;
    }
  });

  test("publishing disabled gets 403", async () => {
    const policy = mock.deployment.store.slot(
      mock.deployment.store.findAccountByUsername("carol")!,
      PUBLISHING_POLICY,
    );
    policy.enabled = false;
    try {
      const created = await client.createAgent("carol", "disabled-check");
      const id = String(dataOf(created)["id"]);
      const published = await client.call("carol", "publishAgent", "POST", "/v1/core/agents/publish", {
        agentId: id,
        agentName: "disabled-check",
      });
      expect(published.status).toBe(403);
    } finally {
      policy.enabled = true;
    }
  });

  test.each([
    ["missing agentId", { agentName: "x" }, 400],
    ["unknown agentId", { agentId: "agt_missing", agentName: "x" }, 404],
  ])("publish with %s gets %i", async (_name, json, status) => {
    expect((await client.call("alice", "publishAgent", "POST", "/v1/core/agents/publish", json)).status).toBe(
      status,
    );
  });

  test("mismatched agentName gets 400", async () => {
    const created = await client.createAgent("alice", "mismatch-check");
    const id = String(dataOf(created)["id"]);
    const published = await client.call("alice", "publishAgent", "POST", "/v1/core/agents/publish", {
      agentId: id,
      agentName: "other",
    });
    expect(published.status).toBe(400);
  });
});

describe("agent chat targets", () => {
  let slug = "";

  beforeAll(async () => {
    slug = (await client.publishedAgent("alice", "chat-target", { modelOptions: { maxTokens: 3 } })).slug;
    await client.createAgent("alice", "chat-draft");
    expect((await client.share("alice", slug, "bob")).status).toBe(200);
    expect((await client.share("alice", slug, "CAROL@example.COM")).status).toBe(200);
  });

  test.each([
    ["own published agent", "alice", "chat-target", 200],
    ["own unpublished agent", "alice", "chat-draft", 404],
    ["owner by shared id", "alice", "shared/alice/chat-target", 200],
    ["share by username", "bob", "shared/alice/chat-target", 200],
    ["share by email", "carol", "shared/alice/chat-target", 200],
    ["agent name of another account", "bob", "chat-target", 404],
  ] as const)("%s returns %i", async (_name, caller, model, status) => {
    expect((await chatWith(caller, model)).status).toBe(status);
  });

  test("agent output limit applies", async () => {
    const completion = await chatWith("bob", "shared/alice/chat-target");
    expect((body(completion)["usage"] as Record<string, number>)["completion_tokens"]).toBe(3);
  });

  test("model list shows shared agents", async () => {
    const list = listOf(await client.call("bob", "listModels", "GET", "/v1/models"));
    expect(list.map((entry) => entry["id"])).toContain("shared/alice/chat-target");
  });

  test("revoke removes chat access", async () => {
    const revoked = await client.call(
      "alice",
      "revokeAgentShare",
      "DELETE",
      `/v1/core/agents/alice/${slug}/shares`,
      {
        recipientType: "username",
        recipient: "bob",
      },
    );
    expect(body(revoked)["success"]).toBe(true);
    expect((await chatWith("bob", "shared/alice/chat-target")).status).toBe(404);
  });
});

describe("agent shares", () => {
  let slug = "";
  const shares = (caller: Caller, owner = "alice") =>
    client.call(caller, "listAgentShares", "GET", `/v1/core/agents/${owner}/${slug}/shares`);

  beforeAll(async () => {
    slug = (await client.publishedAgent("alice", "share-target")).slug;
  });

  test("recipients are normalized to lowercase", async () => {
    await client.share("alice", slug, "Grace@Example.COM", true);
    await client.share("alice", slug, "BOB");
    const list = listOf(await shares("alice"));
    expect(list.map((share) => [share["recipientType"], share["recipient"], share["editable"]])).toEqual([
      ["email", "grace@example.com", true],
      ["username", "bob", false],
    ]);
  });

  test("sharing again updates editable", async () => {
    await client.share("alice", slug, "bob", true);
    const bob = listOf(await shares("alice")).find((share) => share["recipient"] === "bob");
    expect(bob?.["editable"]).toBe(true);
    expect(listOf(await shares("alice"))).toHaveLength(2);
  });

  test("only true grants edit access", async () => {
    await client.call("alice", "createAgentShare", "POST", `/v1/core/agents/alice/${slug}/shares`, {
      recipient: "carol",
      editable: "yes",
    });
    const carol = listOf(await shares("alice")).find((share) => share["recipient"] === "carol");
    expect(carol?.["editable"]).toBe(false);
  });

  test.each([
    ["unknown username recipient", "alice", undefined, { recipient: "nobody" }, 404],
    ["unknown slug", "alice", "no-such-slug", { recipient: "bob" }, 404],
    ["another owner's username", "bob", undefined, { recipient: "carol" }, 403],
    ["missing recipient", "alice", undefined, {}, 400],
    ["invalid email", "alice", undefined, { recipient: "a@b" }, 400],
    ["the owner as recipient", "alice", undefined, { recipient: "alice@example.com" }, 400],
  ] as const)("share with %s gets %i", async (_name, caller, otherSlug, json, status) => {
    const path = `/v1/core/agents/alice/${otherSlug ?? slug}/shares`;
    expect((await client.call(caller, "createAgentShare", "POST", path, json)).status).toBe(status);
  });

  test("listing another owner's shares gets 403", async () => {
    expect((await shares("bob")).status).toBe(403);
  });

  test("revoke of an absent share reports false", async () => {
    const revoked = await client.call(
      "alice",
      "revokeAgentShare",
      "DELETE",
      `/v1/core/agents/alice/${slug}/shares`,
      {
        recipientType: "email",
        recipient: "nobody@example.com",
      },
    );
    expect(revoked.status).toBe(200);
    expect(body(revoked)["success"]).toBe(false);
  });

  test.each([
    ["invalid recipientType", "alice", { recipientType: "group", recipient: "bob" }, 400],
    ["another owner's username", "bob", { recipientType: "username", recipient: "bob" }, 403],
  ] as const)("revoke with %s gets %i", async (_name, caller, json, status) => {
    expect(
      (await client.call(caller, "revokeAgentShare", "DELETE", `/v1/core/agents/alice/${slug}/shares`, json))
        .status,
    ).toBe(status);
  });

  test("shared-with-me lists the agent for its recipient", async () => {
    const list = listOf(
      await client.call("bob", "listAgentsSharedWithMe", "GET", "/v1/core/agents/shared-with-me"),
    );
    const entry = list.find((item) => item["slug"] === slug);
    expect(entry?.["ownerUsername"]).toBe("alice");
    expect(entry?.["sharedVia"]).toBe("username");
    expect(entry?.["editable"]).toBe(true);
    expect(entry?.["hasVoice"]).toBe(true);
    expect(entry?.["modelName"]).toBe("msq-mock-chat");
  });

  test("shared-with-me omits agents of strangers", async () => {
    const list = listOf(
      await client.call("alice", "listAgentsSharedWithMe", "GET", "/v1/core/agents/shared-with-me"),
    );
    expect(list.some((item) => item["ownerUsername"] === "alice")).toBe(false);
  });
});

describe("shared agent editing", () => {
  let slug = "";

  beforeAll(async () => {
    slug = (await client.publishedAgent("alice", "editable-agent")).slug;
    await client.share("alice", slug, "bob", true);
    await client.share("alice", slug, "carol");
    await client.call("alice", "addVoice", "POST", "/v1/core/add/voice", {
      name: "rachel",
      providerKey: "elevenlabs",
      voiceId: "21m00Tcm4TlvDq8ikWAM",
      apiKey: "el-temporary-key-for-alice-0001",
    });
  });

  test.each([
    ["owner", "alice", 200],
    ["editable recipient", "bob", 200],
    ["read-only recipient", "carol", 403],
  ] as const)("config for %s answers %i", async (_name, caller, status) => {
    expect((await configOf(caller, "alice", slug)).status).toBe(status);
  });

  test("read-only recipient gets the documented code", async () => {
    expect(body(await configOf("carol", "alice", slug))["code"]).toBe("OWNER_OR_SHARED_EDIT_ONLY");
  });

  test("unknown slug gets 404", async () => {
    expect((await configOf("alice", "alice", "no-such-slug")).status).toBe(404);
  });

  test("recipient edit writes the owner's config", async () => {
    const updated = await updateConfig("bob", "alice", slug, {
      description: "edited by bob",
      voice: { savedVoiceName: "rachel" },
    });
    expect(updated.status).toBe(200);
    expect((await agents("alice"))["editable-agent"]?.config["description"]).toBe("edited by bob");
    expect(dataOf(await configOf("alice", "alice", slug))["modelId"]).toBe(dataOf(updated)["modelId"]);
  });

  test.each(["name", "model", "modelId", "responseProcessorAgent", "temperature", "maxTokens"])(
    "recipient sending %s gets FIELD_NOT_EDITABLE",
    async (field) => {
      const updated = await updateConfig("bob", "alice", slug, {
        [field]: field === "temperature" || field === "maxTokens" ? 1 : "x",
      });
      expect(updated.status).toBe(400);
      expect(body(updated)["code"]).toBe("FIELD_NOT_EDITABLE");
    },
  );

  test("owner may set the response processor", async () => {
    const updated = await updateConfig("alice", "alice", slug, {
      responseProcessorAgent: "speaker",
      model: "ignored",
    });
    expect(updated.status).toBe(200);
    expect(dataOf(updated)["responseProcessorAgent"]).toBe("speaker");
  });

  test.each([
    ["voice of the editor", { voice: { savedVoiceName: "bob-voice" } }],
    ["unknown tool", { toolOptions: { systemTools: ["no-such-tool"] } }],
    ["unknown server", { toolOptions: { selectedFunctions: { "bob-server": ["x"] } } }],
    [
      "unknown embedding model",
      { embeddingOptions: { model: "bob-embed", collections: [], type: "vector_store" } },
    ],
    [
      "unknown collection",
      {
        embeddingOptions: {
          model: "text-embedding-3-small",
          collections: ["bob-docs"],
          type: "vector_store",
        },
      },
    ],
  ])("%s gets INVALID_OWNER_RESOURCE", async (_name, json) => {
    const updated = await updateConfig("bob", "alice", slug, json);
    expect(updated.status).toBe(400);
    expect(body(updated)["code"]).toBe("INVALID_OWNER_RESOURCE");
  });

  test("owner collections can be selected", async () => {
    await client.call("alice", "createVectorStore", "POST", "/v1/vector_stores", { name: "Alice Docs" });
    const embeddings = await client.call(
      "bob",
      "listSharedAgentOwnerEmbeddings",
      "GET",
      `/v1/core/agents/alice/${slug}/owner-embeddings`,
    );
    const stores = body(embeddings)["vectorStores"] as Record<string, unknown>[];
    expect(stores).toContainEqual({
      name: "Alice Docs",
      safeName: "alice-docs",
      embeddingModel: "text-embedding-3-small",
    });
    expect(stores.map((store) => store["safeName"])).toContain("product-docs");
    const updated = await updateConfig("bob", "alice", slug, {
      embeddingOptions: {
        model: "text-embedding-3-small",
        collections: ["alice-docs", "product-docs"],
        type: "vector_store",
      },
    });
    expect(updated.status).toBe(200);
  });

  test("owner tools list the MCP servers", async () => {
    const tools = await client.call(
      "bob",
      "listSharedAgentOwnerTools",
      "GET",
      `/v1/core/agents/alice/${slug}/owner-tools`,
    );
    const servers = (body(tools)["servers"] as Record<string, unknown>[]).map((server) => server["name"]);
    expect(servers).toEqual(["weather-server", "calculator-server"]);
    expect(body(tools)["tools"]).toHaveLength(2);
  });

  test("owner tools can be selected", async () => {
    const updated = await updateConfig("bob", "alice", slug, { toolOptions: { userTools: ["calculator"] } });
    expect(dataOf(updated)["selectedFunctions"]).toEqual({ "calculator-server": ["calculator"] });
  });

  test("voice null clears it", async () => {
    const updated = await updateConfig("bob", "alice", slug, { voice: null });
    expect(dataOf(updated)["voice"]).toBeNull();
  });

  test("read-only recipient cannot update", async () => {
    expect((await updateConfig("carol", "alice", slug, { description: "carol" })).status).toBe(403);
  });

  test.each([
    ["owner-tools", "listSharedAgentOwnerTools"],
    ["owner-embeddings", "listSharedAgentOwnerEmbeddings"],
    ["owner-voices", "listSharedAgentOwnerVoices"],
  ])("%s answers the editor and not a reader", async (route, operationId) => {
    expect(
      (await client.call("bob", operationId, "GET", `/v1/core/agents/alice/${slug}/${route}`)).status,
    ).toBe(200);
    expect(
      (await client.call("carol", operationId, "GET", `/v1/core/agents/alice/${slug}/${route}`)).status,
    ).toBe(403);
  });

  test("owner voices leave out temporary keys", async () => {
    const voices = await client.call(
      "bob",
      "listSharedAgentOwnerVoices",
      "GET",
      `/v1/core/agents/alice/${slug}/owner-voices`,
    );
    expect((body(voices)["voices"] as Record<string, unknown>[]).map((voice) => voice["name"])).toContain(
      "rachel",
    );
    expect(voices.text).not.toContain("el-temporary-key");
  });

  test("owner embeddings list embedding models only", async () => {
    const embeddings = await client.call(
      "bob",
      "listSharedAgentOwnerEmbeddings",
      "GET",
      `/v1/core/agents/alice/${slug}/owner-embeddings`,
    );
    const names = (body(embeddings)["embeddingModels"] as Record<string, unknown>[]).map(
      (model) => model["name"],
    );
    expect(names).toEqual(["text-embedding-3-small", "nomic-embed-text-v1.5"]);
  });
});
