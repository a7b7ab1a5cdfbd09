import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { CHAT_AGENTS, type ChatAgentRecord } from "../../src/mock/agent-directory.ts";
import { startMock, type RunningMock } from "../../src/mock/server.ts";
import { parseTimingModel } from "../../src/mock/timing-model.ts";
import { usageRows } from "../../src/mock/usage-recording.ts";
import { expectProbeBreaksRule, faultNamesOf } from "./support/fault-probes.ts";
import {
  eventPayloads,
  jsonBody,
  MockClient,
  readExchange,
  TEST_KEYS,
  type Caller,
  type MockExchange,
} from "./support/mock-exchange.ts";

let mock: RunningMock;

beforeAll(async () => {
  mock = await startMock();
  addAgent("alice", {
    name: "helper",
    slug: "helper-bot",
    modelName: "msq-mock-chat",
    published: true,
    sharedWith: [{ username: "bob" }],
    maxTokens: 3,
  });
  addAgent("alice", {
    name: "draft",
    slug: "draft",
    modelName: "msq-mock-chat",
    published: false,
    sharedWith: [{ username: "bob" }],
  });
  addAgent("bob", {
    name: "mailer",
    slug: "mailer",
    modelName: "msq-mock-chat",
    published: true,
    sharedWith: [{ email: "CAROL@example.com" }],
  });
});

afterAll(async () => {
  await mock.close();
});

function addAgent(owner: string, agent: ChatAgentRecord): void {
  const account = mock.deployment.store.findAccountByUsername(owner);
  if (account === undefined) throw new Error(`${owner} is not seeded`);
  mock.deployment.store.slot(account, CHAT_AGENTS).set(agent.name, agent);
}

async function chat(
  body: Record<string, unknown>,
  account = "alice",
  headers: Record<string, string> = {},
  target = mock,
): Promise<MockExchange> {
  const response = await fetch(`${target.baseUrl}/chat/completions`, {
    method: "POST",
    headers: { "x-api-key": TEST_KEYS[account] ?? "", "content-type": "application/json", ...headers },
    body: JSON.stringify({
      model: "msq-mock-chat",
      messages: [{ role: "user", content: "Hello there" }],
      ...body,
    }),
    signal: AbortSignal.timeout(10_000),
  });
  return readExchange(response);
}

const completion = (exchange: MockExchange) =>
  exchange.json as {
    choices: {
      index: number;
      message: { content: string | null; tool_calls?: { function: { name: string; arguments: string } }[] };
      finish_reason: string;
    }[];
    usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
  };

const WEATHER_TOOL = {
  type: "function",
  function: {
    name: "get_weather",
    parameters: {
      type: "object",
      properties: {
        city: { type: "string" },
        days: { type: "integer", minimum: 1 },
        unit: { enum: ["c", "f"] },
      },
      required: ["city", "days", "unit"],
    },
  },
};

describe("chat completions", () => {
  test("max_tokens sets the reply length", async () => {
    const result = completion(await chat({ max_tokens: 5 }));
    expect(result.choices[0]?.message.content?.split(" ")).toHaveLength(5);
    expect(result.choices[0]?.finish_reason).toBe("length");
    expect(result.usage.completion_tokens).toBe(5);
    expect(result.usage.total_tokens).toBe(result.usage.prompt_tokens + 5);
  });

  test("default length ends with stop", async () => {
    const result = completion(await chat({}));
    expect(result.choices[0]?.finish_reason).toBe("stop");
    expect(result.usage.completion_tokens).toBe(16);
  });

  test("equal requests get equal replies", async () => {
    const first = completion(await chat({ messages: [{ role: "user", content: "same" }] }));
    const second = completion(await chat({ messages: [{ role: "user", content: "same" }] }));
    expect(second.choices[0]?.message.content).toBe(first.choices[0]?.message.content);
  });

  test("n returns that many choices", async () => {
    const result = completion(await chat({ n: 3 }));
    expect(result.choices.map((choice) => choice.index)).toEqual([0, 1, 2]);
    expect(new Set(result.choices.map((choice) => choice.message.content)).size).toBe(3);
  });

  test("json_object mode returns JSON", async () => {
    const result = completion(await chat({ responseFormat: { type: "json_object" } }));
    expect(() => JSON.parse(result.choices[0]?.message.content ?? "")).not.toThrow();
  });

  test("json_schema mode follows the schema", async () => {
    const schema = {
      type: "object",
      properties: { title: { type: "string" }, score: { type: "number" } },
      required: ["title", "score"],
    };
    const result = completion(
      await chat({ response_format: { type: "json_schema", json_schema: { schema } } }),
    );
    const value = JSON.parse(result.choices[0]?.message.content ?? "") as Record<string, unknown>;
    expect(typeof value["title"]).toBe("string");
    expect(typeof value["score"]).toBe("number");
  });

  test("invalid response_format is ignored", async () => {
    const result = completion(await chat({ response_format: { type: "yaml" }, max_tokens: 4 }));
    expect(result.choices[0]?.message.content?.split(" ")).toHaveLength(4);
  });

  test("tools produce a call with valid arguments", async () => {
    const result = completion(await chat({ tools: [WEATHER_TOOL] }));
    const call = result.choices[0]?.message.tool_calls?.[0];
    expect(result.choices[0]?.finish_reason).toBe("tool_calls");
    expect(result.choices[0]?.message.content).toBeNull();
    expect(call?.function.name).toBe("get_weather");
    const args = JSON.parse(call?.function.arguments ?? "") as Record<string, unknown>;
    expect(typeof args["city"]).toBe("string");
    expect(args["days"]).toBeGreaterThanOrEqual(1);
    expect(["c", "f"]).toContain(args["unit"]);
  });

  test("tool_choice none answers in text", async () => {
    const result = completion(await chat({ tools: [WEATHER_TOOL], tool_choice: "none" }));
    expect(result.choices[0]?.finish_reason).toBe("stop");
  });

  test("tool result ends the tool loop", async () => {
    const messages = [
      { role: "user", content: "Weather?" },
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: "{}" } }],
      },
      { role: "tool", content: '{"c":21}', tool_call_id: "call_1" },
    ];
    expect(completion(await chat({ tools: [WEATHER_TOOL], messages })).choices[0]?.finish_reason).toBe(
      "stop",
    );
  });

  test("streamed tool call deltas carry an index", async () => {
    const chunks = eventPayloads(await chat({ tools: [WEATHER_TOOL], stream: true }));
    const calls = chunks.flatMap((chunk) =>
      (chunk["choices"] as { delta: { tool_calls?: Record<string, unknown>[] } }[]).flatMap(
        (choice) => choice.delta.tool_calls ?? [],
      ),
    );
    expect(calls.length).toBeGreaterThan(1);
    expect(calls.every((call) => call["index"] === 0)).toBe(true);
    expect(calls[0]).toMatchObject({
      id: expect.any(String),
      type: "function",
      function: { name: "get_weather" },
    });
    const args = calls.map((call) => (call["function"] as { arguments?: string }).arguments ?? "").join("");
    expect(JSON.parse(args)).toHaveProperty("city");
  });

  test("stream shares id and created", async () => {
    const chunks = eventPayloads(await chat({ stream: true, n: 2 }));
    expect(new Set(chunks.map((chunk) => chunk["id"])).size).toBe(1);
    expect(new Set(chunks.map((chunk) => chunk["created"])).size).toBe(1);
    const finishes = chunks.flatMap((chunk) =>
      (chunk["choices"] as { finish_reason: string | null }[]).filter(
        (choice) => choice.finish_reason !== null,
      ),
    );
    expect(finishes).toHaveLength(2);
  });

  test.each([
    ["embedding model", { model: "nomic-embed-text-v1.5" }, 400],
    ["request_timeout_ms out of range", { request_timeout_ms: 0 }, 400],
    ["max_retries out of range", { maxRetries: 11 }, 400],
    ["n out of range", { n: 17 }, 400],
    ["unknown role", { messages: [{ role: "robot", content: "x" }] }, 400],
    [
      "tool_choice naming an unknown tool",
      { tools: [WEATHER_TOOL], tool_choice: { type: "function", function: { name: "nope" } } },
      400,
    ],
    ["unpublished own agent", { model: "draft" }, 404],
    ["other account's model", { model: "msq-mock-chat-of-bob" }, 404],
  ])("%s gets its status", async (_name, body, status) => {
    expect((await chat(body)).status).toBe(status);
  });
});

describe("chat targets", () => {
  test("own published agent by name", async () => {
    const result = completion(await chat({ model: "helper", max_tokens: 50 }));
    // The agent's own limit of 3 tokens applies; the request's max_tokens is ignored.
    expect(result.usage.completion_tokens).toBe(3);
  });

  test.each([
    ["owner", "alice", "shared/alice/helper-bot", 200],
    ["share by username", "bob", "shared/alice/helper-bot", 200],
    ["no share", "carol", "shared/alice/helper-bot", 404],
    ["share by email, any case", "carol", "shared/bob/mailer", 200],
    ["unpublished agent", "bob", "shared/alice/draft", 404],
    ["unknown owner", "bob", "shared/nobody/helper-bot", 404],
  ])("%s", async (_name, account, model, status) => {
    expect((await chat({ model }, account)).status).toBe(status);
  });

  test("model list shows agents the caller may use", async () => {
    const list = async (account: string): Promise<string[]> => {
      const response = await fetch(`${mock.baseUrl}/models`, {
        headers: { "x-api-key": TEST_KEYS[account] ?? "" },
        signal: AbortSignal.timeout(10_000),
      });
      return ((await response.json()) as { data: { id: string }[] }).data.map((entry) => entry.id);
    };
    expect(await list("alice")).toContain("helper");
    expect(await list("alice")).not.toContain("draft");
    expect(await list("bob")).toContain("shared/alice/helper-bot");
    expect(await list("bob")).not.toContain("helper");
    expect(await list("carol")).toContain("shared/bob/mailer");
    expect(await list("carol")).not.toContain("shared/alice/helper-bot");
  });
});

describe("chat cancellation", () => {
  const slow = parseTimingModel({ chat: { ttftMs: 20, interTokenMs: 40, outputTokens: 50 } }, "slow chat");

  async function cancel(target: RunningMock, sessionId: string): Promise<Record<string, unknown>> {
    const response = await fetch(`${target.baseUrl}/chat/cancel`, {
      method: "POST",
      headers: { "x-api-key": TEST_KEYS["alice"] ?? "", "content-type": "application/json" },
      body: JSON.stringify({ sessionId }),
      signal: AbortSignal.timeout(10_000),
    });
    return (await response.json()) as Record<string, unknown>;
  }

  test.each([
    ["x-session-id header", {}, { "x-session-id": "session-header" }, "session-header"],
    ["sessionId field", { sessionId: "session-body" }, {}, "session-body"],
  ])("%s ends the stream", async (_name, body, headers, sessionId) => {
    const slowMock = await startMock({ timing: slow });
    try {
      const streaming = chat(
        { stream: true, stream_options: { include_usage: true }, ...body },
        "alice",
        headers,
        slowMock,
      );
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(await cancel(slowMock, sessionId)).toEqual({
        success: true,
        found: true,
        cancelled: true,
        alreadyCancelled: false,
      });

      const exchange = await streaming;
      const chunks = eventPayloads(exchange);
      const deltas = chunks.filter(
        (chunk) => (chunk["choices"] as { delta: { content?: string } }[])[0]?.delta.content !== undefined,
      );
      expect(deltas.length).toBeLessThan(50);
      expect(exchange.events?.at(-1)).toBe("[DONE]");
      const usage = chunks.at(-1)?.["usage"] as { completion_tokens: number };
      expect(usage.completion_tokens).toBe(deltas.length);

      expect(await cancel(slowMock, sessionId)).toEqual({
        success: true,
        found: true,
        cancelled: false,
        alreadyCancelled: true,
      });
    } finally {
      await slowMock.close();
    }
  });

  test("another account cannot cancel", async () => {
    const slowMock = await startMock({ timing: slow });
    try {
      const streaming = chat({ stream: true, sessionId: "alice-session" }, "alice", {}, slowMock);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const response = await fetch(`${slowMock.baseUrl}/chat/cancel`, {
        method: "POST",
        headers: { "x-api-key": TEST_KEYS["bob"] ?? "", "content-type": "application/json" },
        body: JSON.stringify({ sessionId: "alice-session" }),
        signal: AbortSignal.timeout(10_000),
      });
      expect(((await response.json()) as Record<string, unknown>)["found"]).toBe(false);
      expect(await cancel(slowMock, "alice-session")).toMatchObject({ cancelled: true });
      await streaming;
    } finally {
      await slowMock.close();
    }
  });
});

describe("usage recording", () => {
  test("calls are recorded for their account", async () => {
    const recordingMock = await startMock();
    try {
      await chat({ max_tokens: 7 }, "alice", {}, recordingMock);
      await chat({ stream: true, max_tokens: 4, tools: [] }, "alice", {}, recordingMock);
      await fetch(`${recordingMock.baseUrl}/embeddings`, {
        method: "POST",
        headers: { "x-api-key": TEST_KEYS["alice"] ?? "", "content-type": "application/json" },
        body: JSON.stringify({ model: "nomic-embed-text-v1.5", input: "one two three" }),
        signal: AbortSignal.timeout(10_000),
      });
      const store = recordingMock.deployment.store;
      const alice = store.findAccountByUsername("alice");
      const bob = store.findAccountByUsername("bob");
      if (alice === undefined || bob === undefined) throw new Error("accounts are not seeded");
      const rows = usageRows(store, alice);
      expect(rows.map((row) => [row.modelName, row.outputTokens])).toEqual([
        ["msq-mock-chat", 7],
        ["msq-mock-chat", 4],
        ["nomic-embed-text-v1.5", null],
      ]);
      expect(rows[2]?.inputTokens).toBe(3);
      expect(rows.every((row) => row.username === "alice" && row.endTime >= row.startTime)).toBe(true);
      expect(usageRows(store, bob)).toEqual([]);
    } finally {
      await recordingMock.close();
    }
  });
});

/** Sends a streaming completion of the mock chat model, with `body` merged into the request. */
function chatStream(
  client: MockClient,
  caller: Caller,
  body: Record<string, unknown>,
): Promise<MockExchange> {
  return client.call(caller, "POST", "/v1/chat/completions", {
    model: "msq-mock-chat",
    messages: [{ role: "user", content: "hello" }],
    stream: true,
    ...body,
  });
}

const chunks = (exchange: MockExchange): Record<string, unknown>[] =>
  eventPayloads(exchange).filter((payload) => payload["object"] === "chat.completion.chunk");
const choicesOf = (chunk: Record<string, unknown>): Record<string, unknown>[] =>
  chunk["choices"] as Record<string, unknown>[];

/** For each chat fault, a probe that returns true when the documented rule was broken. */
const PROBES: Readonly<Record<string, (client: MockClient) => Promise<boolean>>> = {
  "chat-cancel-blank-session-accepted": async (client) =>
    (await client.call("alice", "POST", "/v1/chat/cancel", { sessionId: " " })).status === 200,
  "chat-completion-choices-missing": async (client) =>
    !Array.isArray(jsonBody(await chatStream(client, "alice", { stream: false }))["choices"]),
  "chat-completion-created-as-string": async (client) =>
    typeof jsonBody(await chatStream(client, "alice", { stream: false }))["created"] !== "number",
  "chat-json-mode-invalid-json": async (client) => {
    const completion = jsonBody(
      await chatStream(client, "alice", { stream: false, response_format: { type: "json_object" } }),
    );
    const content = (
      (completion["choices"] as Record<string, unknown>[])[0]?.["message"] as Record<string, unknown>
    )["content"];
    try {
      JSON.parse(String(content));
      return false;
    } catch {
      return true;
    }
  },
  "chat-model-across-accounts": async (client) => {
    await client.call("alice", "POST", "/v1/core/add/model", {
      name: "alice-private",
      description: "",
      providerKey: "openai",
      model: "gpt-4o",
    });
    return (await chatStream(client, "bob", { model: "alice-private", stream: false })).status === 200;
  },
  "chat-shared-agent-without-share": async (client) => {
    const alice = client.mock.deployment.store.findAccountByUsername("alice");
    if (alice === undefined) throw new Error("alice is not seeded");
    client.mock.deployment.store.slot(alice, CHAT_AGENTS).set("helper", {
      name: "helper",
      slug: "helper",
      modelName: "msq-mock-chat",
      published: true,
      sharedWith: [{ username: "bob" }],
    });
    return (
      (await chatStream(client, "carol", { model: "shared/alice/helper", stream: false })).status === 200
    );
  },
  "chat-stream-done-missing": async (client) =>
    (await chatStream(client, "alice", {})).events?.at(-1) !== "[DONE]",
  "chat-stream-error-nonstandard": async (client) => {
    await client.call("carol", "POST", "/v1/core/add/model", {
      name: "failing",
      description: "",
      providerKey: "openai",
      model: "mock-provider-failure",
    });
    const payloads = eventPayloads(await chatStream(client, "carol", { model: "failing" }));
    const last = payloads.at(-1) ?? {};
    const error = last["error"] as Record<string, unknown> | undefined;
    return typeof error?.["message"] !== "string";
  },
  "chat-stream-events-not-separated": async (client) =>
    ((await chatStream(client, "alice", {})).events ?? []).some((data) => {
      try {
        JSON.parse(data);
        return false;
      } catch {
        return data !== "[DONE]";
      }
    }),
  "chat-stream-first-chunk-without-role": async (client) => {
    const first = chunks(await chatStream(client, "alice", {}))[0];
    return (
      first === undefined ||
      (choicesOf(first)[0]?.["delta"] as Record<string, unknown>)["role"] !== "assistant"
    );
  },
  "chat-stream-id-changes": async (client) =>
    new Set(chunks(await chatStream(client, "alice", {})).map((chunk) => chunk["id"])).size > 1,
  "chat-stream-served-as-text-plain": async (client) =>
    !(await chatStream(client, "alice", {})).contentType.startsWith("text/event-stream"),
  "chat-stream-tool-call-without-index": async (client) =>
    chunks(await chatStream(client, "alice", { tools: [WEATHER_TOOL] })).some((chunk) => {
      const calls = (choicesOf(chunk)[0]?.["delta"] as Record<string, unknown> | undefined)?.["tool_calls"];
      return (
        Array.isArray(calls) &&
        calls.some((call: Record<string, unknown>) => typeof call["index"] !== "number")
      );
    }),
  "chat-stream-two-finish-reasons": async (client) =>
    chunks(await chatStream(client, "alice", {})).filter(
      (chunk) => typeof choicesOf(chunk)[0]?.["finish_reason"] === "string",
    ).length > 1,
  "chat-stream-usage-on-every-chunk": async (client) =>
    chunks(await chatStream(client, "alice", {})).some(
      (chunk) => choicesOf(chunk).length > 0 && chunk["usage"] !== undefined && chunk["usage"] !== null,
    ),
};

describe("chat faults", () => {
  test("every chat fault has a probe", () => {
    expect(Object.keys(PROBES).sort()).toEqual(faultNamesOf("chat"));
  });

  test.each(Object.entries(PROBES))("%s breaks its rule", async (name, probe) => {
    await expectProbeBreaksRule(name, (mock) => probe(new MockClient(mock)));
  });
});
