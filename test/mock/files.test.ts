import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { MockDeployment } from "../../src/mock/deployment.ts";
import { startMock, type RunningMock } from "../../src/mock/server.ts";
import { ValidatorRegistry } from "../../src/validation/validator-registry.ts";
import { startMswDeployment, withoutClock, type MswDeployment } from "./support/adapter-pair.ts";
import { expectConforms } from "./support/contract-checks.ts";
import { jsonBody, sendRequest as send, type Caller, type MockExchange } from "./support/mock-exchange.ts";

/** Origin the msw handlers intercept in this file. Nothing listens there. */
const MSW_ORIGIN = "http://127.0.0.1:4998";

/** Bytes of every value 0 to 255 and more, so any change or re-encoding of the content shows. */
const BINARY = Uint8Array.from({ length: 4096 }, (_, index) => (index * 31 + 7) % 256);

let mock: RunningMock;
let registry: ValidatorRegistry;

beforeAll(async () => {
  mock = await startMock();
  registry = await ValidatorRegistry.load();
});

afterAll(async () => {
  await mock.close();
});

interface Upload {
  readonly bytes?: Uint8Array;
  readonly type?: string;
  readonly filename?: string;
  readonly fields?: Readonly<Record<string, string>>;
}

function uploadForm(upload: Upload = {}): FormData {
  const form = new FormData();
  const bytes = upload.bytes ?? BINARY;
  form.append(
    "file",
    new Blob([bytes.slice()], { type: upload.type ?? "application/pdf" }),
    upload.filename ?? "paper.pdf",
  );
  for (const [name, value] of Object.entries(upload.fields ?? { purpose: "vector_store" }))
    form.append(name, value);
  return form;
}

/** Sends a request to the HTTP mock and checks the response against the spec. */
async function call(
  operationId: string,
  caller: Caller,
  method: string,
  path: string,
  body?: unknown,
): Promise<MockExchange> {
  const exchange = await send(mock.origin, caller, method, path, body);
  expectConforms(registry, operationId, exchange);
  return exchange;
}

const json = jsonBody;

async function upload(caller: Caller, details: Upload = {}): Promise<Record<string, unknown>> {
  const exchange = await call("createFile", caller, "POST", "/v1/files", uploadForm(details));
  expect(exchange.status).toBe(200);
  return json(exchange);
}

describe("file upload", () => {
  test("returns the file object", async () => {
    const file = await upload("alice", { filename: "résumé 2026 ü.pdf" });
    expect(file["object"]).toBe("file");
    expect(file["bytes"]).toBe(BINARY.length);
    expect(file["filename"]).toBe("résumé 2026 ü.pdf");
    expect(file["purpose"]).toBe("vector_store");
    expect(String(file["id"])).toMatch(/^file_/);
  });

  test.each(["application/pdf", "image/png", "text/csv", "application/octet-stream"])(
    "download keeps %s",
    async (type) => {
      const file = await upload("alice", { type, filename: "data.bin" });
      const content = await call("getFileContent", "alice", "GET", `/v1/files/${String(file["id"])}/content`);
      expect(content.status).toBe(200);
      expect(content.contentType).toBe(type);
      expect(Buffer.from(content.bytes).equals(Buffer.from(BINARY))).toBe(true);
    },
  );

  test.each([
    ["purpose missing", () => uploadForm({ fields: {} })],
    ["empty file", () => uploadForm({ bytes: new Uint8Array(), filename: "empty.txt" })],
    ["purpose blank", () => uploadForm({ fields: { purpose: "  " } })],
    [
      "file missing",
      () => {
        const form = new FormData();
        form.append("purpose", "vector_store");
        return form;
      },
    ],
    [
      "two file parts",
      () => {
        const form = uploadForm();
        form.append("file", new Blob(["second"], { type: "text/plain" }), "second.txt");
        return form;
      },
    ],
  ])("%s gets 400", async (_name, build) => {
    const exchange = await call("createFile", "alice", "POST", "/v1/files", build());
    expect(exchange.status).toBe(400);
    expect(json(exchange)["success"]).toBe(false);
  });

  test("json body gets 400", async () => {
    expect((await call("createFile", "alice", "POST", "/v1/files", { purpose: "vector_store" })).status).toBe(
      400,
    );
  });

  test("missing key gets 401", async () => {
    expect((await call("createFile", "none", "POST", "/v1/files", uploadForm())).status).toBe(401);
  });
});

describe("file reads", () => {
  test("list contains the upload", async () => {
    const file = await upload("carol", { filename: "listed.pdf" });
    const list = json(await call("listFiles", "carol", "GET", "/v1/files"));
    expect(list["object"]).toBe("list");
    expect(list["data"]).toContainEqual(file);
  });

  test("metadata equals the upload result", async () => {
    const file = await upload("carol");
    const read = await call("getFile", "carol", "GET", `/v1/files/${String(file["id"])}`);
    expect(read.json).toEqual(file);
  });

  test.each([
    ["getFile", "/v1/files/file_missing"],
    ["getFileContent", "/v1/files/file_missing/content"],
  ])("%s of unknown id gets 404", async (operationId, path) => {
    expect((await call(operationId, "carol", "GET", path)).status).toBe(404);
  });

  test("unknown id on delete gets 404", async () => {
    expect((await call("deleteFile", "carol", "DELETE", "/v1/files/file_missing")).status).toBe(404);
  });

  test.each([
    ["listFiles", "GET", "/v1/files"],
    ["getFile", "GET", "/v1/files/file_x"],
    ["getFileContent", "GET", "/v1/files/file_x/content"],
    ["deleteFile", "DELETE", "/v1/files/file_x"],
  ])("%s without key gets 401", async (operationId, method, path) => {
    expect((await call(operationId, "none", method, path)).status).toBe(401);
  });
});

describe("file namespacing", () => {
  test("bob cannot see or delete alice's file", async () => {
    const file = await upload("alice", { filename: "private.pdf" });
    const id = String(file["id"]);
    const bobList = json(await call("listFiles", "bob", "GET", "/v1/files"))["data"] as Record<
      string,
      unknown
    >[];
    expect(bobList.map((entry) => entry["id"])).not.toContain(id);
    expect((await call("getFile", "bob", "GET", `/v1/files/${id}`)).status).toBe(404);
    expect((await call("getFileContent", "bob", "GET", `/v1/files/${id}/content`)).status).toBe(404);
    expect((await call("deleteFile", "bob", "DELETE", `/v1/files/${id}`)).status).toBe(404);
    expect((await call("getFile", "alice", "GET", `/v1/files/${id}`)).status).toBe(200);
  });
});

describe("file delete", () => {
  test("deletes once", async () => {
    const id = String((await upload("bob"))["id"]);
    const deleted = await call("deleteFile", "bob", "DELETE", `/v1/files/${id}`);
    expect(deleted.json).toEqual({ id, object: "file", deleted: true });
    expect((await call("getFile", "bob", "GET", `/v1/files/${id}`)).status).toBe(404);
    expect((await call("deleteFile", "bob", "DELETE", `/v1/files/${id}`)).status).toBe(404);
  });

  test("removes vector store associations", async () => {
    const id = String((await upload("bob", { filename: "indexed.pdf" }))["id"]);
    const store = json(
      await call("createVectorStore", "bob", "POST", "/v1/vector_stores", {
        name: "Deleted files",
        file_ids: [id],
      }),
    );
    const storeId = String(store["id"]);
    await call("deleteFile", "bob", "DELETE", `/v1/files/${id}`);

    const files = json(
      await call("listVectorStoreFiles", "bob", "GET", `/v1/vector_stores/${storeId}/files`),
    );
    expect(files["data"]).toEqual([]);
    const read = json(await call("getVectorStore", "bob", "GET", `/v1/vector_stores/${storeId}`));
    expect((read["file_counts"] as Record<string, unknown>)["total"]).toBe(0);
    expect(
      (await call("getVectorStoreFile", "bob", "GET", `/v1/vector_stores/${storeId}/files/${id}`)).status,
    ).toBe(404);
  });
});

describe("file adapters", () => {
  let msw: MswDeployment;
  let inProcess: MockDeployment;

  beforeAll(async () => {
    msw = await startMswDeployment(MSW_ORIGIN);
    inProcess = msw.deployment;
  });

  afterAll(() => {
    msw.close();
  });

  /** Uploads, reads, downloads and deletes a file, and returns every exchange with clock values masked. */
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
    const created = await step(
      "carol",
      "POST",
      "/v1/files",
      uploadForm({ filename: "ünïcode name.pdf", fields: { purpose: "assistants", relativePath: "docs/" } }),
    );
    const id = String(json(created)["id"]);
    await step("carol", "POST", "/v1/files", uploadForm({ fields: {} }));
    await step("carol", "GET", "/v1/files");
    await step("carol", "GET", `/v1/files/${id}`);
    await step("carol", "GET", `/v1/files/${id}/content`);
    await step("alice", "GET", `/v1/files/${id}`);
    await step("carol", "DELETE", `/v1/files/${id}`);
    await step("carol", "DELETE", `/v1/files/${id}`);
    return exchanges.map((exchange) => ({
      status: exchange.status,
      contentType: exchange.contentType,
      body:
        exchange.json === undefined
          ? Buffer.from(exchange.bytes).toString("base64")
          : withoutClock(exchange.json),
    }));
  }

  // Each deployment has a fresh store, so both hand out the same ids for the same sequence.
  test("node:http and msw respond alike", async () => {
    const fresh = await startMock();
    try {
      expect(await scenario(MSW_ORIGIN)).toEqual(await scenario(fresh.origin));
    } finally {
      await fresh.close();
    }
  });
});

/** For each files fault: a probe that returns true when the documented rule was broken. */
const PROBES: Readonly<Record<string, (origin: string) => Promise<boolean>>> = {
  "file-content-differs-from-upload": async (origin) => {
    const file = json(await send(origin, "alice", "POST", "/v1/files", uploadForm()));
    const content = await send(origin, "alice", "GET", `/v1/files/${String(file["id"])}/content`);
    return !Buffer.from(content.bytes).equals(Buffer.from(BINARY));
  },
  "file-content-type-not-preserved": async (origin) => {
    const file = json(await send(origin, "alice", "POST", "/v1/files", uploadForm({ type: "image/png" })));
    return (
      (await send(origin, "alice", "GET", `/v1/files/${String(file["id"])}/content`)).contentType !==
      "image/png"
    );
  },
  "files-listed-across-accounts": async (origin) => {
    const file = json(await send(origin, "alice", "POST", "/v1/files", uploadForm()));
    const list = json(await send(origin, "bob", "GET", "/v1/files"))["data"] as Record<string, unknown>[];
    return list.some((entry) => entry["id"] === file["id"]);
  },
  "file-name-returned-encoded": async (origin) => {
    const file = json(
      await send(origin, "alice", "POST", "/v1/files", uploadForm({ filename: "notes.pdf" })),
    );
    return file["filename"] !== "notes.pdf";
  },
};

describe("file faults", () => {
  test.each(Object.entries(PROBES))("%s breaks its rule", async (name, probe) => {
    for (const [faults, broken] of [
      [[], false],
      [[name], true],
    ] as const) {
      const faulty = await startMock({ faults });
      try {
        expect(await probe(faulty.origin)).toBe(broken);
      } finally {
        await faulty.close();
      }
    }
  });

  test("every files fault has a probe", () => {
    const names = mock.deployment.registry
      .list()
      .filter((fault) => fault.area === "files")
      .map((fault) => fault.name);
    expect(names.sort()).toEqual(Object.keys(PROBES).sort());
  });
});
