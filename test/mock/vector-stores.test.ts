import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { VECTOR_STORES } from "../../src/mock/areas/vector-stores/vector-store-records.ts";
import { startMock, type RunningMock } from "../../src/mock/server.ts";
import { parseTimingModel } from "../../src/mock/timing-model.ts";
import { ValidatorRegistry } from "../../src/validation/validator-registry.ts";
import { startMswDeployment, withoutClock, type MswDeployment } from "./support/adapter-pair.ts";
import { expectConforms } from "./support/contract-checks.ts";
import { expectProbeBreaksRule, faultNamesOf } from "./support/fault-probes.ts";
import { jsonBody, sendRequest as send, type Caller, type MockExchange } from "./support/mock-exchange.ts";
import { waitFor } from "./support/wait-for.ts";

/** Origin the msw handlers intercept in this file. Nothing listens there. */
const MSW_ORIGIN = "http://127.0.0.1:4997";

let mock: RunningMock;
let registry: ValidatorRegistry;

beforeAll(async () => {
  mock = await startMock();
  registry = await ValidatorRegistry.load();
});

afterAll(async () => {
  await mock.close();
});

/** A client of one running mock that checks every response against the spec. */
class Client {
  constructor(readonly target: RunningMock) {}

  async call(
    operationId: string,
    caller: Caller,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<MockExchange> {
    const exchange = await send(this.target.origin, caller, method, path, body);
    expectConforms(registry, operationId, exchange);
    return exchange;
  }

  async upload(
    caller: Caller,
    filename: string,
    text = `Content of ${filename}`,
    relativePath?: string,
  ): Promise<string> {
    const form = new FormData();
    form.append("file", new Blob([text], { type: "text/plain" }), filename);
    form.append("purpose", "vector_store");
    if (relativePath !== undefined) form.append("relativePath", relativePath);
    const exchange = await this.call("createFile", caller, "POST", "/v1/files", form);
    expect(exchange.status).toBe(200);
    return String(json(exchange)["id"]);
  }

  async createStore(caller: Caller, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const exchange = await this.call("createVectorStore", caller, "POST", "/v1/vector_stores", body);
    expect(exchange.status, exchange.text).toBe(200);
    return json(exchange);
  }

  async getStore(caller: Caller, id: string): Promise<Record<string, unknown>> {
    return json(await this.call("getVectorStore", caller, "GET", `/v1/vector_stores/${id}`));
  }

  async getStoreFile(caller: Caller, id: string, fileId: string): Promise<Record<string, unknown>> {
    return json(
      await this.call("getVectorStoreFile", caller, "GET", `/v1/vector_stores/${id}/files/${fileId}`),
    );
  }
}

const json = jsonBody;
const counts = (store: Record<string, unknown>): Record<string, unknown> =>
  store["file_counts"] as Record<string, unknown>;
const ids = (list: Record<string, unknown>): unknown[] =>
  (list["data"] as Record<string, unknown>[]).map((entry) => entry["id"]);

describe("vector store creation", () => {
  test("queues files as in_progress", async () => {
    const client = new Client(mock);
    const first = await client.upload("alice", "a.txt");
    const second = await client.upload("alice", "b.txt");
    const store = await client.createStore("alice", {
      name: "Queued",
      file_ids: [first, second, first],
      metadata: { team: "research" },
    });
    expect(store["object"]).toBe("vector_store");
    expect(store["status"]).toBe("in_progress");
    expect(store["metadata"]).toEqual({ team: "research" });
    expect(counts(store)).toEqual({ in_progress: 2, completed: 0, failed: 0, cancelled: 0, total: 2 });
    expect(store["bytes"]).toBe(0);
  });

  test("completes without embedding time", async () => {
    const client = new Client(mock);
    const file = await client.upload("alice", "done.txt", "12345");
    const store = await client.createStore("alice", { name: "Completed", file_ids: [file] });
    const read = await client.getStore("alice", String(store["id"]));
    expect(read["status"]).toBe("completed");
    expect(counts(read)["completed"]).toBe(1);
    expect(read["bytes"]).toBe(5);
  });

  test("same name reuses the store", async () => {
    const client = new Client(mock);
    const file = await client.upload("alice", "later.txt");
    const first = await client.createStore("alice", { name: "Reused" });
    const second = await client.createStore("alice", { name: "Reused", file_ids: [file] });
    expect(second["id"]).toBe(first["id"]);
    expect(counts(second)["total"]).toBe(1);
  });

  test.each(["nomic-embed-text-v1.5", "text-embedding-3-small"])(
    "accepts embedding model %s",
    async (model) => {
      await new Client(mock).createStore("carol", { name: `Model ${model}`, embeddingModelName: model });
    },
  );

  test.each([
    ["name missing", { file_ids: [] }],
    ["name blank", { name: " " }],
    ["unsupported embedding model", { name: "x", embeddingModelName: "text-embedding-3-large" }],
    ["unknown embedding model", { name: "x", embeddingModelName: "no-such-embedder" }],
    ["chat model as embedding model", { name: "x", embeddingModelName: "msq-mock-chat" }],
    ["file_ids not a list", { name: "x", file_ids: "file_1" }],
    ["unknown file id", { name: "x", file_ids: ["file_missing"] }],
    ["chunking type unknown", { name: "x", chunking_strategy: { type: "dynamic" } }],
    ["static chunking without sizes", { name: "x", chunking_strategy: { type: "static" } }],
    [
      "negative overlap",
      {
        name: "x",
        chunking_strategy: {
          type: "static",
          static: { max_chunk_size_tokens: 100, chunk_overlap_tokens: -1 },
        },
      },
    ],
    ["metadata not an object", { name: "x", metadata: ["a"] }],
    ["batchSize zero", { name: "x", batchSize: 0 }],
    ["sseSessionId blank", { name: "x", sseSessionId: "" }],
    ["enhancePDF not boolean", { name: "x", enhancePDF: "yes" }],
  ])("%s gets 400", async (_name, body) => {
    const exchange = await new Client(mock).call(
      "createVectorStore",
      "carol",
      "POST",
      "/v1/vector_stores",
      body,
    );
    expect(exchange.status).toBe(400);
    expect(json(exchange)["success"]).toBe(false);
  });

  test("missing key gets 401", async () => {
    expect(
      (await new Client(mock).call("createVectorStore", "none", "POST", "/v1/vector_stores", { name: "x" }))
        .status,
    ).toBe(401);
  });
});

describe("vector store reads", () => {
  test("list, get and user-collections agree", async () => {
    const client = new Client(mock);
    const store = await client.createStore("carol", { name: "Listed" });
    const id = String(store["id"]);
    const list = json(await client.call("listVectorStores", "carol", "GET", "/v1/vector_stores"));
    expect(list["object"]).toBe("list");
    expect(ids(list)).toContain(id);
    expect(list["has_more"]).toBe(false);
    const collections = json(
      await client.call("listUserCollections", "carol", "GET", "/v1/user-collections"),
    );
    expect(ids(collections)).toEqual(ids(list));
    const collection = (collections["data"] as Record<string, unknown>[]).find((entry) => entry["id"] === id);
    expect(collection?.["files"]).toEqual([]);
    expect((await client.getStore("carol", id))["name"]).toBe("Listed");
  });

  test.each([
    ["getVectorStore", "GET", "/v1/vector_stores/vs_missing"],
    ["deleteVectorStore", "DELETE", "/v1/vector_stores/vs_missing"],
    ["listVectorStoreFiles", "GET", "/v1/vector_stores/vs_missing/files"],
    ["listVectorStoreFileDetails", "GET", "/v1/vector_stores/vs_missing/file-details"],
    ["getVectorStoreFile", "GET", "/v1/vector_stores/vs_missing/files/file_x"],
  ])("%s of unknown store gets 404", async (operationId, method, path) => {
    expect((await new Client(mock).call(operationId, "carol", method, path)).status).toBe(404);
  });

  test.each([
    ["listVectorStores", "GET", "/v1/vector_stores"],
    ["listUserCollections", "GET", "/v1/user-collections"],
    ["getVectorStore", "GET", "/v1/vector_stores/vs_x"],
    ["listVectorStoreFiles", "GET", "/v1/vector_stores/vs_x/files"],
    ["listVectorStoreFileDetails", "GET", "/v1/vector_stores/vs_x/file-details"],
    ["getVectorStoreFile", "GET", "/v1/vector_stores/vs_x/files/file_x"],
    ["deleteVectorStore", "DELETE", "/v1/vector_stores/vs_x"],
  ])("%s without key gets 401", async (operationId, method, path) => {
    expect((await new Client(mock).call(operationId, "none", method, path)).status).toBe(401);
  });

  test("delete removes the store once", async () => {
    const client = new Client(mock);
    const id = String((await client.createStore("carol", { name: "Short-lived" }))["id"]);
    const deleted = await client.call("deleteVectorStore", "carol", "DELETE", `/v1/vector_stores/${id}`);
    expect(deleted.json).toEqual({ id, object: "vector_store.deleted", deleted: true });
    expect((await client.call("getVectorStore", "carol", "GET", `/v1/vector_stores/${id}`)).status).toBe(404);
    expect(
      (await client.call("deleteVectorStore", "carol", "DELETE", `/v1/vector_stores/${id}`)).status,
    ).toBe(404);
  });

  test("file-details decodes names and paths", async () => {
    const client = new Client(mock);
    const inFolder = await client.upload("carol", "réport.txt", "abc", "docs/");
    const atRoot = await client.upload("carol", "notes.txt", "abcdef");
    const id = String(
      (await client.createStore("carol", { name: "Details", file_ids: [inFolder, atRoot] }))["id"],
    );
    const details = json(
      await client.call("listVectorStoreFileDetails", "carol", "GET", `/v1/vector_stores/${id}/file-details`),
    );
    expect(details["vectorStoreId"]).toBe(id);
    const files = details["files"] as Record<string, unknown>[];
    expect(files.map((file) => [file["id"], file["filename"], file["path"], file["bytes"]])).toEqual([
      [inFolder, "réport.txt", "docs/réport.txt", 3],
      [atRoot, "notes.txt", "notes.txt", 6],
    ]);
  });
});

describe("vector store files", () => {
  test("adds a file once", async () => {
    const client = new Client(mock);
    const file = await client.upload("bob", "added.txt");
    const id = String((await client.createStore("bob", { name: "Adding" }))["id"]);
    const added = await client.call("createVectorStoreFile", "bob", "POST", `/v1/vector_stores/${id}/files`, {
      file_id: file,
      chunking_strategy: { type: "static", static: { max_chunk_size_tokens: 512, chunk_overlap_tokens: 64 } },
    });
    expect(added.status).toBe(200);
    expect(json(added)).toMatchObject({
      id: file,
      object: "vector_store.file",
      vector_store_id: id,
      status: "in_progress",
      last_error: null,
    });
    expect(json(added)["chunking_strategy"]).toEqual({
      type: "static",
      static: { max_chunk_size_tokens: 512, chunk_overlap_tokens: 64 },
    });

    const again = await client.call("createVectorStoreFile", "bob", "POST", `/v1/vector_stores/${id}/files`, {
      file_id: file,
    });
    expect(again.status).toBe(409);
    const record = await client.getStoreFile("bob", id, file);
    expect(record["status"]).toBe("completed");
    const list = json(
      await client.call("listVectorStoreFiles", "bob", "GET", `/v1/vector_stores/${id}/files`),
    );
    expect(ids(list)).toEqual([file]);
    expect(list["first_id"]).toBe(file);
  });

  test.each([
    ["file_id missing", {}],
    ["file_id not a string", { file_id: 7 }],
    ["chunking invalid", { file_id: "file_x", chunking_strategy: { type: "auto", static: {} } }],
  ])("%s gets 400", async (_name, body) => {
    const client = new Client(mock);
    const id = String((await client.createStore("bob", { name: "Bad adds" }))["id"]);
    expect(
      (await client.call("createVectorStoreFile", "bob", "POST", `/v1/vector_stores/${id}/files`, body))
        .status,
    ).toBe(400);
  });

  test("unknown file gets 404", async () => {
    const client = new Client(mock);
    const id = String((await client.createStore("bob", { name: "Unknown file" }))["id"]);
    const exchange = await client.call(
      "createVectorStoreFile",
      "bob",
      "POST",
      `/v1/vector_stores/${id}/files`,
      { file_id: "file_missing" },
    );
    expect(exchange.status).toBe(404);
  });

  test("file outside the store gets 404", async () => {
    const client = new Client(mock);
    const file = await client.upload("bob", "elsewhere.txt");
    const id = String((await client.createStore("bob", { name: "Without it" }))["id"]);
    expect(
      (await client.call("getVectorStoreFile", "bob", "GET", `/v1/vector_stores/${id}/files/${file}`)).status,
    ).toBe(404);
  });

  test("missing model fails the embedding", async () => {
    const client = new Client(mock);
    await client.call("addModel", "carol", "POST", "/v1/core/add/model", {
      name: "carol-embedder",
      description: "Removed before embedding",
      providerKey: "openai",
      model: "text-embedding-3-small",
    });
    const id = String(
      (await client.createStore("carol", { name: "Model removed", embeddingModelName: "carol-embedder" }))[
        "id"
      ],
    );
    await client.call("deleteModel", "carol", "POST", "/v1/core/delete/model", { modelId: "carol-embedder" });
    const file = await client.upload("carol", "orphan.txt");
    await client.call("createVectorStoreFile", "carol", "POST", `/v1/vector_stores/${id}/files`, {
      file_id: file,
    });
    const record = await client.getStoreFile("carol", id, file);
    expect(record["status"]).toBe("failed");
    expect(record["last_error"]).toEqual({
      code: "server_error",
      message: "Embedding model carol-embedder is unavailable",
    });
    expect(counts(await client.getStore("carol", id))["failed"]).toBe(1);
  });
});

describe("vector store namespacing", () => {
  test("bob cannot see or change alice's store", async () => {
    const client = new Client(mock);
    const file = await client.upload("alice", "secret-plan.txt");
    const id = String((await client.createStore("alice", { name: "Alice only", file_ids: [file] }))["id"]);
    const bobFile = await client.upload("bob", "bob.txt");

    expect(ids(json(await client.call("listVectorStores", "bob", "GET", "/v1/vector_stores")))).not.toContain(
      id,
    );
    expect(
      ids(json(await client.call("listUserCollections", "bob", "GET", "/v1/user-collections"))),
    ).not.toContain(id);
    expect((await client.call("getVectorStore", "bob", "GET", `/v1/vector_stores/${id}`)).status).toBe(404);
    expect(
      (await client.call("listVectorStoreFiles", "bob", "GET", `/v1/vector_stores/${id}/files`)).status,
    ).toBe(404);
    expect(
      (await client.call("listVectorStoreFileDetails", "bob", "GET", `/v1/vector_stores/${id}/file-details`))
        .status,
    ).toBe(404);
    expect(
      (await client.call("getVectorStoreFile", "bob", "GET", `/v1/vector_stores/${id}/files/${file}`)).status,
    ).toBe(404);
    const add = await client.call("createVectorStoreFile", "bob", "POST", `/v1/vector_stores/${id}/files`, {
      file_id: bobFile,
    });
    expect(add.status).toBe(404);
    expect((await client.call("deleteVectorStore", "bob", "DELETE", `/v1/vector_stores/${id}`)).status).toBe(
      404,
    );
    expect(counts(await client.getStore("alice", id))["total"]).toBe(1);
  });

  test("another account's file gets 404", async () => {
    const client = new Client(mock);
    const aliceFile = await client.upload("alice", "not-for-bob.txt");
    const id = String((await client.createStore("bob", { name: "Bob's store" }))["id"]);
    const add = await client.call("createVectorStoreFile", "bob", "POST", `/v1/vector_stores/${id}/files`, {
      file_id: aliceFile,
    });
    expect(add.status).toBe(404);
    const create = await client.call("createVectorStore", "bob", "POST", "/v1/vector_stores", {
      name: "Bob's other",
      file_ids: [aliceFile],
    });
    expect(create.status).toBe(400);
  });
});

describe("vector store embedding schedule", () => {
  const timing = parseTimingModel({ embedding: { batchMs: 300 } }, "vector store test");

  test("status moves from in_progress to completed", async () => {
    const slow = await startMock({ timing });
    try {
      const client = new Client(slow);
      const file = await client.upload("alice", "slow.txt", "0123456789");
      const id = String((await client.createStore("alice", { name: "Slow", file_ids: [file] }))["id"]);
      const early = await client.getStore("alice", id);
      expect(early["status"]).toBe("in_progress");
      expect(early["bytes"]).toBe(0);
      const late = await waitFor(
        () => client.getStore("alice", id),
        (store) => store["status"] === "completed",
      );
      expect(late["status"]).toBe("completed");
      expect(late["bytes"]).toBe(10);
      expect((await client.getStoreFile("alice", id, file))["usage_bytes"]).toBe(10);
    } finally {
      await slow.close();
    }
  });

  test("batches complete one batchMs apart", async () => {
    const slow = await startMock({ timing });
    try {
      const client = new Client(slow);
      const files = [
        await client.upload("alice", "1.txt"),
        await client.upload("alice", "2.txt"),
        await client.upload("alice", "3.txt"),
      ];
      const id = String(
        (await client.createStore("alice", { name: "Batches", file_ids: files, batchSize: 2 }))["id"],
      );
      const alice = slow.deployment.store.findAccountByUsername("alice");
      if (alice === undefined) throw new Error("alice is not seeded");
      const record = slow.deployment.store.slot(alice, VECTOR_STORES).get(id);
      const ends = files.map((file) => record?.files.get(file)?.completesAt ?? Number.NaN);
      expect(ends[1]).toBe(ends[0]);
      expect((ends[2] ?? 0) - (ends[0] ?? 0)).toBeCloseTo(300, 6);
    } finally {
      await slow.close();
    }
  });

  test("cancel stops the session's files", async () => {
    const slow = await startMock({
      timing: parseTimingModel({ embedding: { batchMs: 20_000 } }, "long embedding"),
    });
    try {
      const client = new Client(slow);
      const file = await client.upload("alice", "cancelled.txt");
      const id = String(
        (await client.createStore("alice", { name: "Cancelled", file_ids: [file], sseSessionId: "embed-1" }))[
          "id"
        ],
      );

      const byBob = await client.call(
        "cancelVectorStoreEmbedding",
        "bob",
        "POST",
        "/v1/vector_stores/cancel",
        { sessionId: "embed-1" },
      );
      expect(json(byBob)["cancelled"]).toBe(false);
      expect((await client.getStoreFile("alice", id, file))["status"]).toBe("in_progress");

      const cancel = await client.call(
        "cancelVectorStoreEmbedding",
        "alice",
        "POST",
        "/v1/vector_stores/cancel",
        { sessionId: "embed-1" },
      );
      expect(json(cancel)).toMatchObject({ success: true, sessionId: "embed-1", cancelled: true });
      expect((await client.getStoreFile("alice", id, file))["status"]).toBe("cancelled");
      expect(counts(await client.getStore("alice", id))["cancelled"]).toBe(1);

      const again = await client.call(
        "cancelVectorStoreEmbedding",
        "alice",
        "POST",
        "/v1/vector_stores/cancel",
        { sessionId: "embed-1" },
      );
      expect(json(again)["cancelled"]).toBe(false);
    } finally {
      await slow.close();
    }
  });

  test.each([
    ["sessionId missing", {}],
    ["sessionId blank", { sessionId: " " }],
  ])("cancel with %s gets 400", async (_name, body) => {
    expect(
      (
        await new Client(mock).call(
          "cancelVectorStoreEmbedding",
          "alice",
          "POST",
          "/v1/vector_stores/cancel",
          body,
        )
      ).status,
    ).toBe(400);
  });
});

describe("vector store adapters", () => {
  let msw: MswDeployment;

  beforeAll(async () => {
    msw = await startMswDeployment(MSW_ORIGIN);
  });

  afterAll(() => {
    msw.close();
  });

  /** Runs every vector store operation once and returns the exchanges with clock values masked. */
  async function scenario(origin: string): Promise<unknown[]> {
    const exchanges: MockExchange[] = [];
    const step = async (
      caller: Caller,
      method: string,
      path: string,
      body?: unknown,
    ): Promise<MockExchange> => {
      const exchange = await send(origin, caller, method, path, body);
      exchanges.push(exchange);
      return exchange;
    };
    const form = new FormData();
    form.append("file", new Blob(["parity"], { type: "text/markdown" }), "parity.md");
    form.append("purpose", "vector_store");
    form.append("relativePath", "notes");
    const file = String(json(await step("alice", "POST", "/v1/files", form))["id"]);
    const store = json(
      await step("alice", "POST", "/v1/vector_stores", {
        name: "Parity",
        metadata: { a: 1 },
        sseSessionId: "p-1",
      }),
    );
    const id = String(store["id"]);
    await step("alice", "POST", "/v1/vector_stores", {
      name: "Parity",
      embeddingModelName: "text-embedding-3-large",
    });
    await step("alice", "POST", `/v1/vector_stores/${id}/files`, { file_id: file });
    await step("alice", "POST", `/v1/vector_stores/${id}/files`, { file_id: file });
    await step("alice", "GET", `/v1/vector_stores/${id}/files/${file}`);
    await step("alice", "GET", `/v1/vector_stores/${id}/files`);
    await step("alice", "GET", `/v1/vector_stores/${id}/file-details`);
    await step("alice", "GET", "/v1/vector_stores");
    await step("alice", "GET", "/v1/user-collections");
    await step("alice", "POST", "/v1/vector_stores/cancel", { sessionId: "p-1" });
    await step("bob", "GET", `/v1/vector_stores/${id}`);
    await step("alice", "DELETE", `/v1/vector_stores/${id}`);
    return exchanges.map((exchange) => ({
      status: exchange.status,
      contentType: exchange.contentType,
      body: withoutClock(exchange.json),
    }));
  }

  test("node:http and msw respond alike", async () => {
    const fresh = await startMock();
    try {
      expect(await scenario(MSW_ORIGIN)).toEqual(await scenario(fresh.origin));
    } finally {
      await fresh.close();
    }
  });
});

/** For each vector store fault: a probe that returns true when the documented rule was broken. */
const PROBES: Readonly<Record<string, (client: Client) => Promise<boolean>>> = {
  "vector-stores-listed-across-accounts": async (client) => {
    const store = json(
      await send(client.target.origin, "alice", "POST", "/v1/vector_stores", { name: "Private" }),
    );
    const list = json(await send(client.target.origin, "bob", "GET", "/v1/vector_stores"));
    return ids(list).includes(store["id"]);
  },
  "vector-store-file-from-other-account-added": async (client) => {
    const file = await client.upload("alice", "alice.txt");
    const store = json(await send(client.target.origin, "bob", "POST", "/v1/vector_stores", { name: "Bob" }));
    const add = await send(
      client.target.origin,
      "bob",
      "POST",
      `/v1/vector_stores/${String(store["id"])}/files`,
      { file_id: file },
    );
    return add.status !== 404;
  },
  "vector-store-file-duplicate-answered-200": async (client) => {
    const file = await client.upload("alice", "twice.txt");
    const store = json(
      await send(client.target.origin, "alice", "POST", "/v1/vector_stores", {
        name: "Twice",
        file_ids: [file],
      }),
    );
    const add = await send(
      client.target.origin,
      "alice",
      "POST",
      `/v1/vector_stores/${String(store["id"])}/files`,
      { file_id: file },
    );
    return add.status !== 409;
  },
  "vector-store-unsupported-embedding-model-accepted": async (client) => {
    const body = { name: "Large", embeddingModelName: "text-embedding-3-large" };
    return (await send(client.target.origin, "alice", "POST", "/v1/vector_stores", body)).status !== 400;
  },
  "vector-store-file-counts-total-missing": async (client) => {
    const store = json(
      await send(client.target.origin, "alice", "POST", "/v1/vector_stores", { name: "Counts" }),
    );
    return typeof counts(store)["total"] !== "number";
  },
};

describe("vector store faults", () => {
  test.each(Object.entries(PROBES))("%s breaks its rule", async (name, probe) => {
    await expectProbeBreaksRule(name, (faulty) => probe(new Client(faulty)));
  });

  test("every vector store fault has a probe", () => {
    expect(Object.keys(PROBES).sort()).toEqual(faultNamesOf("vector-stores"));
  });
});
