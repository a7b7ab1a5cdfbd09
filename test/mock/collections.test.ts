import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { COLLECTIONS } from "../../src/mock/areas/collections/collection-records.ts";
import { seededProviderKey } from "../../src/mock/areas/providers/provider-records.ts";
import { startMock, type RunningMock } from "../../src/mock/server.ts";
import { ValidatorRegistry } from "../../src/validation/validator-registry.ts";
import { AdapterPair, expectAnswersAlike, type PairedCase } from "./support/adapter-pair.ts";
import { CheckedClient } from "./support/checked-client.ts";
import { expectProbeBreaksRule, faultNamesOf } from "./support/fault-probes.ts";
import { jsonBody, sendRequest, type Caller, type MockExchange } from "./support/mock-exchange.ts";

type Json = Record<string, unknown>;

/** The masking rule of the spec's ProviderMaskedApiKey schema. */
const MASKED = /^$|^[^.*•…]{0,8}(\.{3,}|…+|\*{3,}|•{3,})[^.*•…]{0,4}$/;
const CHUNK_TEXT = "A workflow runs helper agents first and then hands their output to a main agent.";

let registry: ValidatorRegistry;
let client: CheckedClient;

beforeAll(async () => {
  registry = await ValidatorRegistry.load();
  client = new CheckedClient(await startMock(), registry);
});

afterAll(async () => {
  await client.mock.close();
});

function search(collection: string, json: unknown, caller: Caller = "alice"): Promise<MockExchange> {
  return client.call(caller, "searchCollection", "POST", `/v1/core/collections/${collection}/search`, json);
}

function recover(collection: string, json?: unknown, caller: Caller = "alice"): Promise<MockExchange> {
  return client.call(caller, "recoverCollection", "POST", `/v1/core/collections/${collection}/recover`, json);
}

function diagnostics(collection: string, caller: Caller = "alice"): Promise<MockExchange> {
  return client.call(
    caller,
    "getCollectionDiagnostics",
    "GET",
    `/v1/core/collections/${collection}/diagnostics`,
  );
}

describe("collection list", () => {
  test("is a bare array of the seeded collections", async () => {
    const list = (await client.call("alice", "listCollections", "GET", "/v1/core/collections"))
      .json as Json[];
    expect(list.map((collection) => collection["safeName"])).toEqual([
      "product-docs",
      "research-notes",
      "archive",
    ]);
  });

  test("masks the keys", async () => {
    const list = await client.call("alice", "listCollections", "GET", "/v1/core/collections");
    const keyed = (list.json as Json[]).filter((collection) => collection["apiKey"] !== undefined);
    expect(keyed.length).toBeGreaterThan(0);
    for (const collection of keyed) expect(collection["apiKey"]).toMatch(MASKED);
    const alice = client.mock.deployment.store.findAccountByUsername("alice");
    if (alice === undefined) throw new Error("alice is not seeded");
    expect(list.text).not.toContain(seededProviderKey(alice));
  });

  test("excludes other accounts", async () => {
    const carol = client.mock.deployment.store.findAccountByUsername("carol");
    if (carol === undefined) throw new Error("carol is not seeded");
    client.mock.deployment.store.slot(carol, COLLECTIONS).set("carol-only", {
      name: "Carol Only",
      safeName: "carol-only",
      embeddingModelName: "nomic-embed-text-v1.5",
      createdAt: 0,
      health: "healthy",
      chunks: [],
    });
    const list = (await client.call("alice", "listCollections", "GET", "/v1/core/collections"))
      .json as Json[];
    expect(list.map((collection) => collection["safeName"])).not.toContain("carol-only");
    expect((await diagnostics("carol-only")).status).toBe(404);
  });
});

describe("collection search", () => {
  test("ranks the matching chunk first", async () => {
    const found = jsonBody(
      await search("product-docs", {
        query: CHUNK_TEXT,
        embeddingModelName: "text-embedding-3-small",
        topK: 2,
      }),
    );
    const results = found["results"] as Json[];
    expect(found["success"]).toBe(true);
    expect(results).toHaveLength(2);
    expect(results[0]?.["text"]).toBe(CHUNK_TEXT);
    expect(results[0]?.["_distance"]).toBe(0);
    expect(Number(results[1]?.["_distance"])).toBeGreaterThan(0);
  });

  test("results name their source", async () => {
    const found = jsonBody(
      await search("product-docs", { query: "usage", embeddingModelName: "text-embedding-3-small", topK: 1 }),
    );
    const result = (found["results"] as Json[])[0] as Json;
    expect(result["collection"]).toBe("product-docs");
    expect(result["model"]).toBe("text-embedding-3-small");
    expect(result["fileName"]).toBe("product-guide.md");
  });

  test("topK defaults to five", async () => {
    const found = jsonBody(
      await search("product-docs", { query: "agents", embeddingModelName: "text-embedding-3-small" }),
    );
    expect(found["results"]).toHaveLength(5);
  });

  test("counts the query embedding as usage", async () => {
    await search("product-docs", { query: "billing", embeddingModelName: "text-embedding-3-small" }, "carol");
    const rows = jsonBody(
      await client.call("carol", "listUsageRecords", "GET", "/v1/core/usage/raw?last=1h"),
    )["data"] as Json[];
    expect(rows.map((row) => row["modelName"])).toContain("text-embedding-3-small");
  });

  test.each([
    ["missing query", { embeddingModelName: "text-embedding-3-small" }],
    ["missing model", { query: "x" }],
    ["unsupported model", { query: "x", embeddingModelName: "text-embedding-3-large" }],
    ["chat model", { query: "x", embeddingModelName: "msq-mock-chat" }],
    ["unknown model", { query: "x", embeddingModelName: "no-such-model" }],
    ["other model of the account", { query: "x", embeddingModelName: "nomic-embed-text-v1.5" }],
    ["topK zero", { query: "x", embeddingModelName: "text-embedding-3-small", topK: 0 }],
  ])("%s gets 400", async (_name, json) => {
    const found = await search("product-docs", json);
    expect(found.status).toBe(400);
    expect(jsonBody(found)["success"]).toBe(false);
  });

  test("unknown collection gets 404", async () => {
    expect(
      (await search("missing", { query: "x", embeddingModelName: "text-embedding-3-small" })).status,
    ).toBe(404);
  });

  test.each([
    ["damaged index", "research-notes"],
    ["lost vectors", "archive"],
  ])("%s reports failure", async (_name, collection) => {
    const found = await search(
      collection,
      { query: "x", embeddingModelName: "nomic-embed-text-v1.5" },
      "bob",
    );
    expect(found.status).toBe(200);
    expect(jsonBody(found)["success"]).toBe(false);
    expect(typeof jsonBody(found)["message"]).toBe("string");
  });
});

describe("collection diagnostics and recovery", () => {
  test("diagnostics describe the health", async () => {
    const report = jsonBody(await diagnostics("research-notes", "carol"));
    const details = report["diagnostics"] as Json;
    expect(report["collectionName"]).toBe("Research Notes");
    expect(report["safeName"]).toBe("research-notes");
    expect(details["healthy"]).toBe(false);
    expect(details["vectorCount"]).toBe(3);
    expect(details["dimensions"]).toBe(768);
  });

  test("auto repairs a damaged index", async () => {
    const outcome = jsonBody(await recover("research-notes"));
    expect(outcome).toEqual({
      success: true,
      strategyUsed: "repair",
      dataRecovered: true,
      vectorCount: 3,
      message: "Repaired the index of collection research-notes.",
    });
    const found = jsonBody(
      await search("research-notes", { query: "x", embeddingModelName: "nomic-embed-text-v1.5" }),
    );
    expect(found["success"]).toBe(true);
  });

  test("repair cannot bring back vectors", async () => {
    const outcome = jsonBody(await recover("archive", { strategy: "repair" }));
    expect(outcome["success"]).toBe(false);
    expect(outcome["vectorCount"]).toBe(0);
  });

  test("reembed brings back vectors", async () => {
    const outcome = jsonBody(await recover("archive", { strategy: "reembed" }));
    expect(outcome["strategyUsed"]).toBe("reembed");
    expect(outcome["dataRecovered"]).toBe(true);
    expect(outcome["vectorCount"]).toBe(2);
    expect((jsonBody(await diagnostics("archive"))["diagnostics"] as Json)["healthy"]).toBe(true);
  });

  test("healthy collection is left alone", async () => {
    const outcome = jsonBody(await recover("product-docs", undefined, "bob"));
    expect(outcome["strategyUsed"]).toBe("none");
    expect(outcome["dataRecovered"]).toBe(false);
  });

  test("force re-embeds a healthy collection", async () => {
    const outcome = jsonBody(await recover("product-docs", { force: true }, "bob"));
    expect(outcome["strategyUsed"]).toBe("reembed");
    expect(outcome["dataRecovered"]).toBe(false);
  });

  test("recovery stays in the account", async () => {
    await recover("research-notes", {}, "carol");
    expect((jsonBody(await diagnostics("research-notes", "bob"))["diagnostics"] as Json)["healthy"]).toBe(
      false,
    );
  });

  test.each([
    ["unknown strategy", { strategy: "rebuild" }, 400],
    ["force not a boolean", { force: "yes" }, 400],
    ["unknown collection", {}, 404],
  ])("%s gets %d", async (name, json, status) => {
    expect((await recover(name === "unknown collection" ? "missing" : "product-docs", json)).status).toBe(
      status,
    );
  });

  test("diagnostics of unknown collection gets 404", async () => {
    expect((await diagnostics("missing")).status).toBe(404);
  });
});

describe("collection adapters", () => {
  const pair = new AdapterPair("http://127.0.0.1:4994");
  const CASES: readonly PairedCase[] = [
    { name: "list", caller: "alice", method: "GET", path: "/v1/core/collections", expectedStatus: 200 },
    {
      name: "search",
      caller: "alice",
      method: "POST",
      path: "/v1/core/collections/product-docs/search",
      json: { query: "vector stores", embeddingModelName: "text-embedding-3-small", topK: 3 },
      expectedStatus: 200,
    },
    {
      name: "search with unsupported model",
      caller: "alice",
      method: "POST",
      path: "/v1/core/collections/product-docs/search",
      json: { query: "x", embeddingModelName: "text-embedding-3-large" },
      expectedStatus: 400,
    },
    {
      name: "diagnostics",
      caller: "bob",
      method: "GET",
      path: "/v1/core/collections/archive/diagnostics",
      expectedStatus: 200,
    },
    {
      name: "recover",
      caller: "bob",
      method: "POST",
      path: "/v1/core/collections/archive/recover",
      json: {},
      expectedStatus: 200,
    },
    {
      name: "recover unknown",
      caller: "bob",
      method: "POST",
      path: "/v1/core/collections/missing/recover",
      expectedStatus: 404,
    },
  ];

  beforeAll(async () => {
    await pair.start();
  });

  afterAll(async () => {
    await pair.close();
  });

  test.each(CASES.map((testCase) => [testCase.name, testCase] as const))(
    "%s answers alike",
    async (_name, testCase) => {
      const [overHttp, inProcess] = await pair.send(testCase);
      expectAnswersAlike(overHttp, inProcess, testCase.expectedStatus);
    },
  );
});

/** For each collection fault, a probe that returns true when the documented rule was broken. */
const PROBES: Readonly<Record<string, (mock: RunningMock) => Promise<boolean>>> = {
  "collection-key-unmasked": async (mock) => {
    const alice = mock.deployment.store.findAccountByUsername("alice");
    if (alice === undefined) throw new Error("alice is not seeded");
    return (await sendRequest(mock.origin, "alice", "GET", "/v1/core/collections")).text.includes(
      seededProviderKey(alice),
    );
  },
  "collections-listed-across-accounts": async (mock) =>
    ((await sendRequest(mock.origin, "alice", "GET", "/v1/core/collections")).json as Json[]).length !== 3,
  "collection-search-unsupported-model-accepted": async (mock) =>
    (
      await sendRequest(mock.origin, "alice", "POST", "/v1/core/collections/product-docs/search", {
        query: "x",
        embeddingModelName: "text-embedding-3-large",
      })
    ).status !== 400,
};

describe("collection faults", () => {
  test("every collection fault has a probe", () => {
    expect(Object.keys(PROBES).sort()).toEqual(faultNamesOf("collections"));
  });

  test.each(Object.entries(PROBES))("%s breaks its rule", async (name, probe) => {
    await expectProbeBreaksRule(name, probe);
  });
});
