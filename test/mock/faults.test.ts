import { fileTypeFromBuffer } from "file-type";
import { describe, expect, test } from "vitest";
import { CHAT_AGENTS } from "../../src/mock/agent-directory.ts";
import { createFaultRegistry } from "../../src/mock/deployment.ts";
import { SEEDED_LEGACY_KEYS } from "../../src/mock/seeded-accounts.ts";
import { startMock, type RunningMock } from "../../src/mock/server.ts";
import { encodeSpeech } from "../../src/mock/areas/audio/audio-formats.ts";
import { TEST_KEYS, eventPayloads, readExchange, type MockExchange } from "./support/mock-exchange.ts";

type Account = "alice" | "bob" | "carol" | "none";

/** A client for one running mock, with helpers that read whole responses. */
class Client {
  constructor(readonly mock: RunningMock) {}

  async call(
    account: Account,
    method: string,
    path: string,
    json?: unknown,
    headers: Record<string, string> = {},
  ): Promise<MockExchange> {
    const key = TEST_KEYS[account];
    const response = await fetch(`${this.mock.origin}${path}`, {
      method,
      headers: {
        ...(key === undefined ? {} : { "x-api-key": key }),
        ...(json === undefined ? {} : { "content-type": "application/json" }),
        ...headers,
      },
      ...(json === undefined ? {} : { body: JSON.stringify(json) }),
      signal: AbortSignal.timeout(10_000),
    });
    return readExchange(response);
  }

  chatStream(account: Account, body: Record<string, unknown>): Promise<MockExchange> {
    return this.call(account, "POST", "/v1/chat/completions", {
      model: "msq-mock-chat",
      messages: [{ role: "user", content: "hello" }],
      stream: true,
      ...body,
    });
  }

  async upload(mimeType: string): Promise<MockExchange> {
    const form = new FormData();
    form.append(
      "file",
      new Blob([encodeSpeech("upload test", 1, "wav").slice()], { type: mimeType }),
      "a.wav",
    );
    form.append("providerKey", "openai");
    const response = await fetch(`${this.mock.origin}/v1/core/audio/stt`, {
      method: "POST",
      headers: { "x-api-key": TEST_KEYS["carol"] ?? "" },
      body: form,
      signal: AbortSignal.timeout(10_000),
    });
    return readExchange(response);
  }
}

const body = (exchange: MockExchange): Record<string, unknown> => exchange.json as Record<string, unknown>;
const chunks = (exchange: MockExchange): Record<string, unknown>[] =>
  eventPayloads(exchange).filter((payload) => payload["object"] === "chat.completion.chunk");
const choicesOf = (chunk: Record<string, unknown>): Record<string, unknown>[] =>
  chunk["choices"] as Record<string, unknown>[];
const eventTypes = (exchange: MockExchange): unknown[] =>
  eventPayloads(exchange).map((payload) => payload["type"]);
/** The masking rule of the spec's ProviderMaskedApiKey schema. */
const MASKED = /^$|^[^.*•…]{0,8}(\.{3,}|…+|\*{3,}|•{3,})[^.*•…]{0,4}$/;
const WEATHER_TOOL = {
  type: "function",
  function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } },
};

/**
 * For each fault: a probe that sends requests and returns true when the documented rule was
 * broken. Each probe runs on a fresh mock without the fault (where it must return false) and on
 * one with it (where it must return true).
 */
const PROBES: Readonly<Record<string, (client: Client) => Promise<boolean>>> = {
  "auth-bearer-without-msq-prefix-accepted": async (client) =>
    (
      await client.call("none", "GET", "/v1/models", undefined, {
        authorization: `Bearer ${SEEDED_LEGACY_KEYS["alice"]}`,
      })
    ).status === 200,
  "auth-missing-key-accepted": async (client) =>
    (await client.call("none", "GET", "/v1/models")).status === 200,
  "auth-unauthorized-answered-403": async (client) =>
    (await client.call("none", "GET", "/v1/models")).status !== 401,
  "auth-unauthorized-body-without-success": async (client) =>
    body(await client.call("none", "GET", "/v1/models"))["success"] !== false,
  "not-found-answered-500": async (client) =>
    (await client.call("alice", "POST", "/v1/core/delete/model", { modelId: "missing" })).status !== 404,
  "error-body-served-as-html": async (client) =>
    !(
      await client.call("alice", "POST", "/v1/core/delete/model", { modelId: "missing" })
    ).contentType.startsWith("application/json"),
  "models-list-object-missing": async (client) =>
    body(await client.call("alice", "GET", "/v1/models"))["object"] !== "list",
  "models-owned-by-number": async (client) =>
    (body(await client.call("alice", "GET", "/v1/models"))["data"] as Record<string, unknown>[]).some(
      (entry) => typeof entry["owned_by"] !== "string",
    ),
  "models-listed-across-accounts": async (client) => {
    await client.call("alice", "POST", "/v1/core/add/model", {
      name: "alice-only",
      description: "",
      providerKey: "openai",
      model: "gpt-4o",
    });
    const list = body(await client.call("bob", "GET", "/v1/models"))["data"] as Record<string, unknown>[];
    return list.some((entry) => entry["id"] === "alice-only");
  },
  "modelmap-key-unmasked": async (client) =>
    Object.values(body(await client.call("alice", "GET", "/v1/modelmap"))).some(
      (entry) => !MASKED.test(String((entry as Record<string, unknown>)["apiKey"])),
    ),
  "add-model-unsupported-embedding-accepted": async (client) =>
    (
      await client.call("alice", "POST", "/v1/core/add/model", {
        name: "big-embed",
        description: "",
        providerKey: "openai",
        model: "text-embedding-3-large",
      })
    ).status === 200,
  "delete-model-not-found-answered-200": async (client) =>
    (await client.call("alice", "POST", "/v1/core/delete/model", { modelId: "missing" })).status === 200,
  "provider-key-unmasked": async (client) =>
    (body(await client.call("alice", "GET", "/v1/core/providers"))["data"] as Record<string, unknown>[]).some(
      (provider) => !MASKED.test(String(provider["apiKey"])),
    ),
  "providers-listed-across-accounts": async (client) => {
    await client.call("bob", "POST", "/v1/core/add/provider", {
      providerKey: "groq",
      apiKey: "gsk_bob_provider_key_0001",
    });
    const list = body(await client.call("alice", "GET", "/v1/core/providers"))["data"] as Record<
      string,
      unknown
    >[];
    return list.some((provider) => provider["providerKey"] === "groq");
  },
  "provider-write-status-missing": async (client) =>
    body(
      await client.call("bob", "POST", "/v1/core/add/provider", {
        providerKey: "groq",
        apiKey: "gsk_bob_provider_key_0001",
      }),
    )["status"] !== "success",
  "chat-stream-done-missing": async (client) =>
    (await client.chatStream("alice", {})).events?.at(-1) !== "[DONE]",
  "chat-stream-events-not-separated": async (client) =>
    ((await client.chatStream("alice", {})).events ?? []).some((data) => {
      try {
        JSON.parse(data);
        return false;
      } catch {
        return data !== "[DONE]";
      }
    }),
  "chat-stream-first-chunk-without-role": async (client) => {
    const first = chunks(await client.chatStream("alice", {}))[0];
    return (
      first === undefined ||
      (choicesOf(first)[0]?.["delta"] as Record<string, unknown>)["role"] !== "assistant"
    );
  },
  "chat-stream-id-changes": async (client) =>
    new Set(chunks(await client.chatStream("alice", {})).map((chunk) => chunk["id"])).size > 1,
  "chat-stream-two-finish-reasons": async (client) =>
    chunks(await client.chatStream("alice", {})).filter(
      (chunk) => typeof choicesOf(chunk)[0]?.["finish_reason"] === "string",
    ).length > 1,
  "chat-stream-usage-on-every-chunk": async (client) =>
    chunks(await client.chatStream("alice", {})).some(
      (chunk) => choicesOf(chunk).length > 0 && chunk["usage"] !== undefined && chunk["usage"] !== null,
    ),
  "chat-stream-tool-call-without-index": async (client) =>
    chunks(await client.chatStream("alice", { tools: [WEATHER_TOOL] })).some((chunk) => {
      const calls = (choicesOf(chunk)[0]?.["delta"] as Record<string, unknown> | undefined)?.["tool_calls"];
      return (
        Array.isArray(calls) &&
        calls.some((call: Record<string, unknown>) => typeof call["index"] !== "number")
      );
    }),
  "chat-stream-error-nonstandard": async (client) => {
    await client.call("carol", "POST", "/v1/core/add/model", {
      name: "failing",
      description: "",
      providerKey: "openai",
      model: "mock-provider-failure",
    });
    const payloads = eventPayloads(await client.chatStream("carol", { model: "failing" }));
    const last = payloads.at(-1) ?? {};
    const error = last["error"] as Record<string, unknown> | undefined;
    return typeof error?.["message"] !== "string";
  },
  "chat-stream-served-as-text-plain": async (client) =>
    !(await client.chatStream("alice", {})).contentType.startsWith("text/event-stream"),
  "chat-completion-choices-missing": async (client) =>
    !Array.isArray(body(await client.chatStream("alice", { stream: false }))["choices"]),
  "chat-completion-created-as-string": async (client) =>
    typeof body(await client.chatStream("alice", { stream: false }))["created"] !== "number",
  "chat-json-mode-invalid-json": async (client) => {
    const completion = body(
      await client.chatStream("alice", { stream: false, response_format: { type: "json_object" } }),
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
    return (await client.chatStream("bob", { model: "alice-private", stream: false })).status === 200;
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
    return (await client.chatStream("carol", { model: "shared/alice/helper", stream: false })).status === 200;
  },
  "chat-cancel-blank-session-accepted": async (client) =>
    (await client.call("alice", "POST", "/v1/chat/cancel", { sessionId: " " })).status === 200,
  "embeddings-unsupported-model-accepted": async (client) =>
    (await client.call("alice", "POST", "/v1/embeddings", { model: "text-embedding-3-large", input: "x" }))
      .status === 200,
  "embeddings-model-across-accounts": async (client) => {
    await client.call("alice", "POST", "/v1/core/add/model", {
      name: "alice-embed",
      description: "",
      providerKey: "openai",
      model: "text-embedding-3-small",
    });
    return (
      (await client.call("bob", "POST", "/v1/embeddings", { model: "alice-embed", input: "x" })).status ===
      200
    );
  },
  "embeddings-index-as-string": async (client) => {
    const list = body(
      await client.call("alice", "POST", "/v1/embeddings", {
        model: "nomic-embed-text-v1.5",
        input: ["a", "b"],
      }),
    );
    return (list["data"] as Record<string, unknown>[]).some((item) => typeof item["index"] !== "number");
  },
  "embeddings-usage-missing": async (client) =>
    body(
      await client.call("alice", "POST", "/v1/embeddings", { model: "nomic-embed-text-v1.5", input: "a" }),
    )["usage"] === undefined,
  "embeddings-dimensions-wrong": async (client) => {
    const list = body(
      await client.call("alice", "POST", "/v1/embeddings", { model: "nomic-embed-text-v1.5", input: "a" }),
    );
    return ((list["data"] as Record<string, unknown>[])[0]?.["embedding"] as unknown[]).length !== 768;
  },
  "tts-content-type-mismatch": async (client) => {
    const speech = await client.call("carol", "POST", "/v1/core/audio/tts", {
      voiceName: "narrator",
      text: "hello there",
    });
    return (await fileTypeFromBuffer(speech.bytes))?.mime !== speech.contentType;
  },
  "tts-wav-header-corrupt": async (client) => {
    const speech = await client.call("carol", "POST", "/v1/core/audio/tts", {
      voiceName: "narrator",
      text: "hello there",
    });
    return (await fileTypeFromBuffer(speech.bytes))?.mime !== "audio/wav";
  },
  "tts-stream-chunk-not-base64": async (client) => {
    const stream = await client.call("carol", "POST", "/v1/core/audio/tts/stream", {
      voiceName: "narrator",
      text: "hello there",
    });
    return eventPayloads(stream)
      .filter((payload) => payload["type"] === "audio_chunk")
      .some((payload) => Buffer.from(String(payload["b64"]), "base64").toString("base64") !== payload["b64"]);
  },
  "tts-stream-done-missing": async (client) =>
    (
      await client.call("carol", "POST", "/v1/core/audio/tts/stream", { voiceName: "narrator", text: "hi" })
    ).events?.at(-1) !== "[DONE]",
  "tts-stream-stop-before-chunks": async (client) => {
    const types = eventTypes(
      await client.call("carol", "POST", "/v1/core/audio/tts/stream", { voiceName: "narrator", text: "hi" }),
    );
    return types.indexOf("audio_stop") < types.lastIndexOf("audio_chunk");
  },
  "stt-unsupported-mime-accepted": async (client) => (await client.upload("video/mp4")).status === 200,
  "stt-text-missing": async (client) => typeof body(await client.upload("audio/wav"))["text"] !== "string",
  "voice-duplicate-answered-200": async (client) =>
    (
      await client.call("carol", "POST", "/v1/core/add/voice", {
        name: "narrator",
        providerKey: "openai",
        voiceId: "nova",
      })
    ).status === 200,
  "voices-listed-across-accounts": async (client) => {
    await client.call("carol", "POST", "/v1/core/add/voice", {
      name: "carol-voice",
      providerKey: "openai",
      voiceId: "nova",
    });
    const list = body(await client.call("alice", "GET", "/v1/core/voices"))["data"] as Record<
      string,
      unknown
    >[];
    return list.some((voice) => voice["name"] === "carol-voice");
  },
  "voice-temporary-key-returned": async (client) => {
    await client.call("carol", "POST", "/v1/core/add/voice", {
      name: "rachel",
      providerKey: "elevenlabs",
      voiceId: "21m00Tcm4TlvDq8ikWAM",
      apiKey: "el-temporary-key-0001",
    });
    return (await client.call("carol", "GET", "/v1/core/voices")).text.includes("el-temporary-key-0001");
  },
};

const OWN_AREAS = new Set(["auth", "common", "models", "chat", "embeddings", "providers", "audio", "voices"]);

async function probeWith(faults: string[], probe: (client: Client) => Promise<boolean>): Promise<boolean> {
  const mock = await startMock({ faults });
  try {
    return await probe(new Client(mock));
  } finally {
    await mock.close();
  }
}

describe("mock faults", () => {
  test("every fault of these areas has a probe", () => {
    const names = createFaultRegistry()
      .list()
      .filter((fault) => OWN_AREAS.has(fault.area))
      .map((fault) => fault.name)
      .sort();
    expect(Object.keys(PROBES).sort()).toEqual(names);
  });

  test.each(Object.entries(PROBES))("%s breaks its rule", async (name, probe) => {
    expect(await probeWith([], probe)).toBe(false);
    expect(await probeWith([name], probe)).toBe(true);
  });
});
