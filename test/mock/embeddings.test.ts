import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startMock, type RunningMock } from "../../src/mock/server.ts";
import { expectProbeBreaksRule, faultNamesOf } from "./support/fault-probes.ts";
import { jsonBody, MockClient, readExchange, TEST_KEYS, type MockExchange } from "./support/mock-exchange.ts";

let mock: RunningMock;

beforeAll(async () => {
  mock = await startMock();
});

afterAll(async () => {
  await mock.close();
});

async function embed(body: Record<string, unknown>, account = "alice"): Promise<MockExchange> {
  const response = await fetch(`${mock.baseUrl}/embeddings`, {
    method: "POST",
    headers: { "x-api-key": TEST_KEYS[account] ?? "", "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  return readExchange(response);
}

type EmbeddingList = {
  data: { index: number; embedding: number[] | string }[];
  usage: { prompt_tokens: number };
};
const vectors = (exchange: MockExchange): number[][] =>
  (exchange.json as EmbeddingList).data.map((item) => item.embedding as number[]);

function decodeBase64(text: string): number[] {
  const bytes = Buffer.from(text, "base64");
  return Array.from({ length: bytes.length / 4 }, (_, index) => bytes.readFloatLE(index * 4));
}

describe("embeddings", () => {
  test.each([
    ["text-embedding-3-small", 1536],
    ["nomic-embed-text-v1.5", 768],
  ])("%s has %i dimensions", async (model, dimensions) => {
    expect(vectors(await embed({ model, input: "dimension check" }))[0]).toHaveLength(dimensions);
  });

  test("vectors have unit length", async () => {
    const [vector] = vectors(await embed({ model: "nomic-embed-text-v1.5", input: "norm" }));
    const norm = Math.sqrt((vector ?? []).reduce((sum, value) => sum + value * value, 0));
    expect(norm).toBeCloseTo(1, 5);
  });

  test("equal texts get equal vectors", async () => {
    const first = vectors(
      await embed({ model: "nomic-embed-text-v1.5", input: ["same text", "other text"] }),
    );
    const second = vectors(await embed({ model: "nomic-embed-text-v1.5", input: "same text" }));
    expect(second[0]).toEqual(first[0]);
    expect(first[1]).not.toEqual(first[0]);
  });

  test("batch keeps input order", async () => {
    const list = (await embed({ model: "nomic-embed-text-v1.5", input: ["a", "b", "c"] }))
      .json as EmbeddingList;
    expect(list.data.map((item) => item.index)).toEqual([0, 1, 2]);
  });

  test("base64 decodes to the float vector", async () => {
    const floats = vectors(await embed({ model: "text-embedding-3-small", input: "encode me" }))[0] ?? [];
    const list = (
      await embed({ model: "text-embedding-3-small", input: "encode me", encoding_format: "base64" })
    ).json as EmbeddingList;
    const decoded = decodeBase64(list.data[0]?.embedding as string);
    expect(decoded).toHaveLength(floats.length);
    decoded.forEach((value, index) => expect(value).toBeCloseTo(floats[index] ?? NaN, 6));
  });

  test("dimensions shortens the vector", async () => {
    const [vector] = vectors(
      await embed({ model: "text-embedding-3-small", input: "short", dimensions: 256 }),
    );
    expect(vector).toHaveLength(256);
  });

  test("usage counts the input tokens", async () => {
    const list = (await embed({ model: "nomic-embed-text-v1.5", input: ["one two", "three, four"] }))
      .json as EmbeddingList;
    expect(list.usage.prompt_tokens).toBe(5);
  });

  test("serialized body matches the body", async () => {
    const exchange = await embed({ model: "nomic-embed-text-v1.5", input: ["x", "y"] });
    expect(JSON.stringify(exchange.json)).toBe(exchange.text);
  });

  test.each([
    ["missing input", { model: "nomic-embed-text-v1.5" }, 400],
    ["empty input list", { model: "nomic-embed-text-v1.5", input: [] }, 400],
    ["token array input", { model: "nomic-embed-text-v1.5", input: [[1, 2]] }, 400],
    ["unknown encoding", { model: "nomic-embed-text-v1.5", input: "x", encoding_format: "int8" }, 400],
    ["too many dimensions", { model: "nomic-embed-text-v1.5", input: "x", dimensions: 769 }, 400],
    ["chat model", { model: "msq-mock-chat", input: "x" }, 400],
    ["text-embedding-3-large", { model: "text-embedding-3-large", input: "x" }, 400],
    ["unknown model", { model: "nomic-embed-text-v2", input: "x" }, 404],
  ])("%s gets its status", async (_name, body, status) => {
    expect((await embed(body)).status).toBe(status);
  });

  test("another account's model gets 404", async () => {
    const add = await fetch(`${mock.origin}/v1/core/add/model`, {
      method: "POST",
      headers: { "x-api-key": TEST_KEYS["alice"] ?? "", "content-type": "application/json" },
      body: JSON.stringify({
        name: "alice-embedder",
        description: "",
        providerKey: "openai",
        model: "text-embedding-3-small",
      }),
      signal: AbortSignal.timeout(10_000),
    });
    expect(add.status).toBe(200);
    expect((await embed({ model: "alice-embedder", input: "x" }, "alice")).status).toBe(200);
    expect((await embed({ model: "alice-embedder", input: "x" }, "bob")).status).toBe(404);
  });
});

/** For each embeddings fault, a probe that returns true when the documented rule was broken. */
const PROBES: Readonly<Record<string, (client: MockClient) => Promise<boolean>>> = {
  "embeddings-dimensions-wrong": async (client) => {
    const list = jsonBody(
      await client.call("alice", "POST", "/v1/embeddings", { model: "nomic-embed-text-v1.5", input: "a" }),
    );
    return ((list["data"] as Record<string, unknown>[])[0]?.["embedding"] as unknown[]).length !== 768;
  },
  "embeddings-index-as-string": async (client) => {
    const list = jsonBody(
      await client.call("alice", "POST", "/v1/embeddings", {
        model: "nomic-embed-text-v1.5",
        input: ["a", "b"],
      }),
    );
    return (list["data"] as Record<string, unknown>[]).some((item) => typeof item["index"] !== "number");
  },
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
  "embeddings-unsupported-model-accepted": async (client) =>
    (await client.call("alice", "POST", "/v1/embeddings", { model: "text-embedding-3-large", input: "x" }))
      .status === 200,
  "embeddings-usage-missing": async (client) =>
    jsonBody(
      await client.call("alice", "POST", "/v1/embeddings", { model: "nomic-embed-text-v1.5", input: "a" }),
    )["usage"] === undefined,
};

describe("embeddings faults", () => {
  test("every embeddings fault has a probe", () => {
    expect(Object.keys(PROBES).sort()).toEqual(faultNamesOf("embeddings"));
  });

  test.each(Object.entries(PROBES))("%s breaks its rule", async (name, probe) => {
    await expectProbeBreaksRule(name, (mock) => probe(new MockClient(mock)));
  });
});
