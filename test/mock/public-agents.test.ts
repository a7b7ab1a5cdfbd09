import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { readWav } from "../../src/mock/areas/audio/containers/wav.ts";
import { startMock, type RunningMock } from "../../src/mock/server.ts";
import { ZERO_TIMING } from "../../src/mock/timing-model.ts";
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

let registry: ValidatorRegistry;
let mock: RunningMock;
let client: AgentsClient;
let slug = "";
let agentRoute = "";

beforeAll(async () => {
  registry = await ValidatorRegistry.load();
  mock = await startMock();
  client = new AgentsClient(mock.origin, registry);
  slug = (await client.publishedAgent("alice", "Weekly Digest")).slug;
  agentRoute = `/v1/public/agent/alice/${slug}`;
  await client.share("alice", slug, "bob");
  await client.share("alice", slug, "carol@example.com");
});

afterAll(async () => {
  await mock.close();
});

const meta = (caller: Caller, route = agentRoute) => client.call(caller, "getPublicAgent", "GET", route);

const chat = (caller: Caller, json: Record<string, unknown>) =>
  client.call(caller, "createPublicAgentChatCompletion", "POST", `${agentRoute}/chat`, {
    messages: USER_MESSAGE,
    ...json,
  });

const run = (caller: Caller, runId: string) =>
  client.call(caller, "getPublicRun", "GET", `/v1/public/runs/${runId}`);

describe("public agent access", () => {
  test.each([
    ["owner", "alice", 200],
    ["username recipient", "bob", 200],
    ["email recipient", "carol", 200],
    ["no key", "none", 401],
  ] as const)("%s gets %i", async (_name, caller, status) => {
    expect((await meta(caller)).status).toBe(status);
  });

  test("stranger gets 403 OWNER_OR_SHARED_ONLY", async () => {
    const stranger = await client.publishedAgent("bob", "bob-only");
    const forbidden = await meta("carol", `/v1/public/agent/bob/${stranger.slug}`);
    expect(forbidden.status).toBe(403);
    expect(body(forbidden)["code"]).toBe("OWNER_OR_SHARED_ONLY");
  });

  test("no key gets AUTH_REQUIRED", async () => {
    expect(body(await meta("none"))["code"]).toBe("AUTH_REQUIRED");
  });

  test.each([
    ["unknown slug", "/v1/public/agent/alice/no-such-agent"],
    ["unknown owner", "/v1/public/agent/nobody/weekly-digest"],
  ])("%s gets 404", async (_name, route) => {
    expect((await meta("alice", route)).status).toBe(404);
  });

  test("unpublished agent gets 404", async () => {
    const draft = await client.publishedAgent("alice", "soon-unpublished");
    await client.call("alice", "publishAgent", "POST", "/v1/core/agents/publish", {
      agentId: draft.id,
      agentName: "soon-unpublished",
    });
    expect((await meta("alice", `/v1/public/agent/alice/${draft.slug}`)).status).toBe(404);
  });

  test("metadata names the owner's title agent", async () => {
    await client.call("alice", "updateUserSettings", "PUT", "/v1/core/user/settings", {
      utilityAgents: { titleAgent: "titler" },
    });
    const data = dataOf(await meta("bob"));
    expect(data["name"]).toBe("Weekly Digest");
    expect(data["hasVoice"]).toBe(true);
    expect(data["settings"]).toEqual({ titleAgentName: "titler" });
  });
});

describe("public agent chat", () => {
  test("plain chat answers a completion with its run", async () => {
    const completion = await chat("bob", {});
    expect(completion.status).toBe(200);
    expect(body(completion)["object"]).toBe("chat.completion");
    const runId = completion.headers["x-run-id"] ?? "";
    expect(runId).not.toBe("");
    expect(dataOf(await run("bob", runId))["status"]).toBe("completed");
  });

  test("stream sends status, chunks, context, usage and [DONE]", async () => {
    const stream = await chat("bob", { stream: true });
    const kinds = eventKinds(stream);
    expect(kinds[0]).toBe("status");
    expect(kinds[1]).toBe("chat.completion.chunk");
    expect(kinds.at(-3)).toBe("chat.completion.context");
    expect(kinds.at(-1)).toBe("[DONE]");
    const usage = eventPayloads(stream).at(-1);
    expect(usage?.["choices"]).toEqual([]);
    expect((usage?.["usage"] as Record<string, number>)["total_tokens"]).toBeGreaterThan(0);
  });

  test("context event holds the conversation", async () => {
    const stream = await chat("bob", { stream: true });
    const context = eventPayloads(stream).find((payload) => payload["object"] === "chat.completion.context");
    const messages = context?.["messages"] as Record<string, unknown>[];
    const text = eventPayloads(stream)
      .flatMap(
        (payload) => (payload["choices"] as Record<string, Record<string, unknown>>[] | undefined) ?? [],
      )
      .map((choice) => choice["delta"]?.["content"] ?? "")
      .join("");
    expect(messages[0]).toEqual(USER_MESSAGE[0]);
    expect(messages[1]?.["content"]).toBe(text);
  });

  test("stream carries X-Run-Id", async () => {
    const stream = await chat("carol", { stream: true });
    expect(stream.headers["x-run-id"]).toMatch(/^run_/);
  });

  test.each([
    ["missing messages", { messages: undefined }],
    ["invalid stream flag", { stream: "yes" }],
    ["requestTimeoutMs too large", { requestTimeoutMs: 1_800_001 }],
    ["maxRetries too large", { maxRetries: 11 }],
  ])("%s gets 400", async (_name, json) => {
    expect((await chat("bob", json)).status).toBe(400);
  });
});

describe("public agent speech", () => {
  test("stream opens with the run of its header", async () => {
    const stream = await client.call("bob", "streamPublicAgentSpeech", "POST", `${agentRoute}/speak`, {
      messages: USER_MESSAGE,
    });
    const first = eventPayloads(stream)[0];
    expect(first?.["type"]).toBe("run");
    expect(first?.["runId"]).toBe(stream.headers["x-run-id"]);
  });

  test("usage follows the audio", async () => {
    const kinds = eventKinds(
      await client.call("bob", "streamPublicAgentSpeech", "POST", `${agentRoute}/speak`, {
        messages: USER_MESSAGE,
      }),
    );
    expect(kinds.indexOf("audio_stop")).toBeLessThan(kinds.indexOf("usage"));
    expect(kinds.at(-1)).toBe("[DONE]");
  });

  test("wav override yields a wav file", async () => {
    const stream = await client.call("carol", "streamPublicAgentSpeech", "POST", `${agentRoute}/speak`, {
      messages: USER_MESSAGE,
      ttsOverrides: { responseFormat: "wav", speed: 2 },
    });
    expect(readWav(speechAudio(stream))?.durationSeconds).toBeGreaterThan(0);
  });

  test("missing messages gets 400", async () => {
    expect(
      (await client.call("bob", "streamPublicAgentSpeech", "POST", `${agentRoute}/speak`, {})).status,
    ).toBe(400);
  });
});

describe("public agent sessions", () => {
  const sessions = `/v1/public/agent/alice/weekly-digest/sessions`;
  const save = (caller: Caller, id: string, updatedAt: number, extra: Record<string, unknown> = {}) =>
    client.call(caller, "savePublicAgentSession", "POST", sessions, {
      id,
      title: `session ${id}`,
      createdAt: 1_700_000_000_000,
      updatedAt,
      messages: [
        { role: "user", content: "hello" },
        { role: "assistant", content: "hi", tokenUsage: { totalTokens: 2 } },
      ],
      ...extra,
    });
  const list = (caller: Caller, query = "") =>
    client.call(caller, "listPublicAgentSessions", "GET", `${sessions}${query}`);
  const get = (caller: Caller, id: string) =>
    client.call(caller, "getPublicAgentSession", "GET", `${sessions}/${id}`);

  beforeAll(async () => {
    await save("bob", "s-old", 1_700_000_000_100);
    await save("bob", "s-new", 1_700_000_000_300);
    await save("bob", "s-mid", 1_700_000_000_200);
  });

  test("list is newest first", async () => {
    expect(listOf(await list("bob")).map((session) => session["id"])).toEqual(["s-new", "s-mid", "s-old"]);
  });

  test("limit and offset page the list", async () => {
    expect(listOf(await list("bob", "?limit=1&offset=1")).map((session) => session["id"])).toEqual(["s-mid"]);
  });

  test("server sets the owner fields", async () => {
    await save("bob", "s-spoof", 1, { userId: "usr_alice", agentUsername: "mallory", agentSlug: "x" });
    const data = dataOf(await get("bob", "s-spoof"));
    expect([data["userId"], data["agentUsername"], data["agentSlug"]]).toEqual([
      "usr_bob",
      "alice",
      "weekly-digest",
    ]);
  });

  test("saving the same id replaces it", async () => {
    await save("bob", "s-replace", 1, { title: "first" });
    await save("bob", "s-replace", 2, { title: "second" });
    expect(dataOf(await get("bob", "s-replace"))["title"]).toBe("second");
  });

  test("other viewers do not see them", async () => {
    expect(listOf(await list("carol"))).toEqual([]);
    expect((await get("carol", "s-old")).status).toBe(404);
    expect((await get("alice", "s-old")).status).toBe(404);
  });

  test("title patch changes only the title", async () => {
    const patched = await client.call(
      "bob",
      "updatePublicAgentSessionTitle",
      "PATCH",
      `${sessions}/s-mid/title`,
      {
        title: "renamed",
        updatedAt: 1_700_000_000_900,
      },
    );
    expect(body(patched)).toEqual({ success: true, title: "renamed", updatedAt: 1_700_000_000_900 });
    const data = dataOf(await get("bob", "s-mid"));
    expect(data["title"]).toBe("renamed");
    expect(data["messages"]).toHaveLength(2);
  });

  test.each([
    ["unknown session", "bob", "s-missing", { title: "x" }, 404],
    ["another viewer's session", "carol", "s-old", { title: "x" }, 404],
    ["missing title", "bob", "s-old", {}, 400],
  ] as const)("title patch of %s gets %i", async (_name, caller, id, json, status) => {
    expect(
      (await client.call(caller, "updatePublicAgentSessionTitle", "PATCH", `${sessions}/${id}/title`, json))
        .status,
    ).toBe(status);
  });

  test("delete reports Deleted, then Not found", async () => {
    const remove = () => client.call("bob", "deletePublicAgentSession", "DELETE", `${sessions}/s-old`);
    expect(body(await remove())).toEqual({ success: true, message: "Deleted" });
    expect(body(await remove())).toEqual({ success: false, message: "Not found" });
  });

  test("another viewer cannot delete them", async () => {
    const removed = await client.call("carol", "deletePublicAgentSession", "DELETE", `${sessions}/s-new`);
    expect(body(removed)["message"]).toBe("Not found");
    expect((await get("bob", "s-new")).status).toBe(200);
  });

  test.each([
    ["missing id", { id: undefined }],
    ["missing messages", { messages: undefined }],
    ["invalid message content", { messages: [{ role: "user", content: 1 }] }],
    [
      "invalid tool event",
      { messages: [{ role: "user", content: "x", toolEvents: [{ type: "nope", data: {} }] }] },
    ],
    ["title not a string", { title: 3 }],
  ])("save with %s gets 400", async (_name, extra) => {
    expect((await save("bob", "s-invalid", 1, extra)).status).toBe(400);
  });

  test.each(["?limit=0", "?offset=-1", "?limit=two"])("list with %s uses the defaults", async (query) => {
    const page = await list("bob", query);
    expect(page.status).toBe(200);
    expect(listOf(page).length).toBe(listOf(await list("bob")).length);
  });

  test("stranger gets 403 on sessions", async () => {
    const stranger = await client.publishedAgent("carol", "carol-only");
    const forbidden = await client.call(
      "bob",
      "listPublicAgentSessions",
      "GET",
      `/v1/public/agent/carol/${stranger.slug}/sessions`,
    );
    expect(forbidden.status).toBe(403);
  });
});

describe("public runs", () => {
  let runId = "";

  beforeAll(async () => {
    runId = (await chat("bob", { stream: true })).headers["x-run-id"] ?? "";
  });

  test("owner and starter see the run", async () => {
    expect((await run("bob", runId)).status).toBe(200);
    expect((await run("alice", runId)).status).toBe(200);
  });

  test("another recipient gets 403", async () => {
    expect((await run("carol", runId)).status).toBe(403);
  });

  test("unknown run gets 404", async () => {
    expect((await run("bob", "run_missing")).status).toBe(404);
  });

  test("blank run id gets 400 on cancel", async () => {
    expect((await client.call("bob", "cancelPublicRun", "POST", "/v1/public/runs/%20/cancel")).status).toBe(
      400,
    );
  });

  test("blank run id gets 404 on get", async () => {
    expect((await run("bob", "%20")).status).toBe(404);
  });

  test("stream of a finished run", async () => {
    const stream = await client.call("bob", "streamPublicRun", "GET", `/v1/public/runs/${runId}/stream`);
    expect(eventKinds(stream)).toEqual(["snapshot", "workflow_completed", "[DONE]"]);
  });

  test("cancel of a finished run changes nothing", async () => {
    const cancelled = await client.call("bob", "cancelPublicRun", "POST", `/v1/public/runs/${runId}/cancel`);
    expect(body(cancelled)).toEqual({
      success: true,
      found: true,
      cancelled: false,
      alreadyCancelled: false,
    });
  });
});

describe("live public runs", () => {
  let slowMock: RunningMock;
  let slow: AgentsClient;

  beforeAll(async () => {
    slowMock = await startMock({
      timing: { ...ZERO_TIMING, chat: { ttftMs: 0, interTokenMs: 40, tokensPerChunk: 1, outputTokens: 50 } },
    });
    slow = new AgentsClient(slowMock.origin, registry);
    const published = await slow.publishedAgent("alice", "slow agent");
    await slow.share("alice", published.slug, "bob");
  });

  afterAll(async () => {
    await slowMock.close();
  });

  /** Opens a chat stream and returns its run id while the stream still runs. */
  async function openStream(): Promise<{ runId: string; done: Promise<string> }> {
    const response = await fetch(`${slowMock.origin}/v1/public/agent/alice/slow-agent/chat`, {
      method: "POST",
      headers: { "x-api-key": "msq-test-bob-000000000000000000002", "content-type": "application/json" },
      body: JSON.stringify({ messages: USER_MESSAGE, stream: true }),
      signal: AbortSignal.timeout(10_000),
    });
    return { runId: response.headers.get("x-run-id") ?? "", done: response.text() };
  }

  test("run stream follows a live run", async () => {
    const { runId, done } = await openStream();
    const stream = await slow.call("bob", "streamPublicRun", "GET", `/v1/public/runs/${runId}/stream`);
    await done;
    const kinds = eventKinds(stream);
    expect(kinds[0]).toBe("snapshot");
    expect(kinds).toContain("main_content_delta");
    expect(kinds.slice(-2)).toEqual(["workflow_completed", "[DONE]"]);
  });

  test("cancel ends a live run", async () => {
    const { runId, done } = await openStream();
    const cancelled = await slow.call("bob", "cancelPublicRun", "POST", `/v1/public/runs/${runId}/cancel`);
    expect(body(cancelled)).toEqual({ success: true, found: true, cancelled: true, alreadyCancelled: false });
    const text = await done;
    expect(text.trimEnd().endsWith("data: [DONE]")).toBe(true);
    expect(dataOf(await slow.call("bob", "getPublicRun", "GET", `/v1/public/runs/${runId}`))["status"]).toBe(
      "cancelled",
    );
    const again = await slow.call("alice", "cancelPublicRun", "POST", `/v1/public/runs/${runId}/cancel`);
    expect(body(again)).toEqual({ success: true, found: true, cancelled: false, alreadyCancelled: true });
  });
});
