import { describe, test } from "vitest";
import { arrayField, field, stringsOf } from "./support/body-fields.ts";
import { uploadTestFile } from "./support/file-fixtures.ts";
import { jsonBody } from "./support/fixtures.ts";
import { covers, requireResource, requireSecondAccount, requireWrites } from "./support/requirements.ts";
import { setupSuite } from "./support/suite-setup.ts";
import type { Harness } from "./support/harness.ts";
import type { ResourceTracker } from "./support/resource-tracker.ts";
import type { AccountClient } from "./support/account-client.ts";
import type { TestContext } from "vitest";
import { verify } from "./support/verify.ts";

const storeIds = (body: unknown): string[] => stringsOf(arrayField(body, "data"), "id");
const storeId = (body: unknown): string[] => {
  const id = field(body, "id");
  return typeof id === "string" ? [id] : [];
};

/** Creates a vector store (tracked for teardown) and returns its id. */
async function createStore(
  context: TestContext,
  harness: Harness,
  tracker: ResourceTracker,
  client: AccountClient,
  embeddingModelName: string,
  account: "primary" | "secondary" = "primary",
): Promise<string> {
  const call = await client.call("createVectorStore", {
    json: { name: harness.uniqueName("store"), embeddingModelName },
  });
  verify(context, harness, call, { kind: "lifecycle", step: "create", resource: "vector store" });
  const id = field(jsonBody(call), "id");
  if (typeof id !== "string") throw new Error("The vector store was created without an id.");
  tracker.track("vector store", id, account, { operationId: "deleteVectorStore", params: { id } });
  return id;
}

for (const { harness, tracker } of setupSuite(["vector-stores", "files", "common"])) {
  describe(harness.label, () => {
    describe("vector stores", () => {
      test("lists vector stores and user collections", async (context) => {
        const stores = await harness.primary.call("listVectorStores");
        verify(context, harness, stores);
        const collections = await harness.primary.call("listUserCollections");
        verify(context, harness, collections);
      });

      describe.sequential("vector store lifecycle", () => {
        test("create, read, list, add file, conflict, delete, gone", async (context) => {
          const checks = [
            covers("createVectorStore", "lifecycle-create-succeeds"),
            covers("deleteVectorStore", "lifecycle-delete-succeeds"),
          ];
          requireWrites(context, harness, checks);
          const model = requireResource(context, harness, "embeddingModel", checks);
          const id = await createStore(context, harness, tracker, harness.primary, model);

          const read = await harness.primary.call("getVectorStore", { params: { id } });
          verify(context, harness, read, {
            kind: "lifecycle",
            step: "read",
            resource: "vector store",
            id,
            idIn: storeId,
          });
          const listed = await harness.primary.call("listVectorStores");
          verify(context, harness, listed, {
            kind: "lifecycle",
            step: "list",
            resource: "vector store",
            id,
            expected: "present",
            listedIds: storeIds,
          });
          const collections = await harness.primary.call("listUserCollections");
          verify(context, harness, collections, {
            kind: "lifecycle",
            step: "list",
            resource: "vector store",
            id,
            expected: "present",
            listedIds: (body) => stringsOf(Array.isArray(body) ? body : arrayField(body, "data"), "id"),
          });

          const file = await uploadTestFile(context, harness, tracker, harness.primary);
          const added = await harness.primary.call("createVectorStoreFile", {
            params: { id },
            json: { file_id: file.id },
          });
          verify(context, harness, added, {
            kind: "lifecycle",
            step: "create",
            resource: "vector store file",
          });
          const files = await harness.primary.call("listVectorStoreFiles", { params: { id } });
          verify(context, harness, files, {
            kind: "lifecycle",
            step: "list",
            resource: "vector store file",
            id: file.id,
            expected: "present",
            listedIds: storeIds,
          });
          const one = await harness.primary.call("getVectorStoreFile", { params: { id, fileId: file.id } });
          verify(context, harness, one, {
            kind: "lifecycle",
            step: "read",
            resource: "vector store file",
            id: file.id,
            idIn: storeId,
          });
          const details = await harness.primary.call("listVectorStoreFileDetails", { params: { id } });
          verify(context, harness, details);
          const duplicate = await harness.primary.call("createVectorStoreFile", {
            params: { id },
            json: { file_id: file.id },
          });
          verify(context, harness, duplicate, {
            kind: "expected-status",
            statuses: [409],
            reason: "the file is already in the vector store",
          });

          const deleted = await harness.primary.call("deleteVectorStore", { params: { id } });
          verify(context, harness, deleted, {
            kind: "lifecycle",
            step: "delete",
            resource: "vector store",
            id,
          });
          const gone = await harness.primary.call("getVectorStore", { params: { id } });
          verify(context, harness, gone, {
            kind: "lifecycle",
            step: "read-after-delete",
            resource: "vector store",
            id,
          });
        });
      });

      describe("vector store errors", () => {
        test("create rejects text-embedding-3-large", async (context) => {
          requireWrites(context, harness, [covers("createVectorStore", "documented-error-status")]);
          const name = harness.uniqueName("store-large");
          const call = await harness.primary.call("createVectorStore", {
            json: { name, embeddingModelName: "text-embedding-3-large" },
          });
          const id = field(jsonBody(call), "id");
          if (typeof id === "string")
            tracker.track("vector store", id, "primary", {
              operationId: "deleteVectorStore",
              params: { id },
            });
          verify(context, harness, call, {
            kind: "expected-status",
            statuses: [400],
            reason: "embeddingModelName is text-embedding-3-large",
          });
        });

        test("create rejects a body without name", async (context) => {
          requireWrites(context, harness, [covers("createVectorStore", "documented-error-status")]);
          const call = await harness.primary.call("createVectorStore", { json: {} });
          verify(context, harness, call, {
            kind: "expected-status",
            statuses: [400],
            reason: "name is missing",
          });
        });

        test.for([
          "getVectorStore",
          "listVectorStoreFiles",
          "listVectorStoreFileDetails",
          "deleteVectorStore",
        ] as const)("%s of an unknown store gets 404", async (operationId, context) => {
          if (operationId === "deleteVectorStore")
            requireWrites(context, harness, [covers(operationId, "documented-error-status")]);
          const call = await harness.primary.call(operationId, { params: { id: "vs_msqh_absent" } });
          verify(context, harness, call, {
            kind: "expected-status",
            statuses: [404],
            reason: "the vector store does not exist",
          });
        });

        test("cancel without sessionId", async (context) => {
          const call = await harness.primary.call("cancelVectorStoreEmbedding", { json: {} });
          verify(context, harness, call, {
            kind: "expected-status",
            statuses: [400],
            reason: "sessionId is missing",
          });
        });

        test("cancel of an unknown session", async (context) => {
          const call = await harness.primary.call("cancelVectorStoreEmbedding", {
            json: { sessionId: harness.uniqueName("embed") },
          });
          verify(context, harness, call);
        });
      });

      describe.sequential("vector store namespacing", () => {
        test("second account cannot see the store or use the first account's file", async (context) => {
          const checks = [
            covers("listVectorStores", "namespacing-foreign-list-excluded"),
            covers("getVectorStore", "namespacing-foreign-read-rejected"),
            covers("createVectorStoreFile", "namespacing-foreign-use-rejected"),
          ];
          requireWrites(context, harness, checks);
          const other = requireSecondAccount(context, harness, checks);
          const model = requireResource(context, harness, "embeddingModel", checks);
          const id = await createStore(context, harness, tracker, harness.primary, model);
          const file = await uploadTestFile(context, harness, tracker, harness.primary);

          const list = await other.call("listVectorStores");
          verify(context, harness, list, {
            kind: "foreign-access",
            action: "list",
            resource: "vector store",
            id,
            listedIds: storeIds,
          });
          const collections = await other.call("listUserCollections");
          verify(context, harness, collections, {
            kind: "foreign-access",
            action: "list",
            resource: "vector store",
            id,
            listedIds: (body) => stringsOf(Array.isArray(body) ? body : arrayField(body, "data"), "id"),
          });
          const read = await other.call("getVectorStore", { params: { id } });
          verify(context, harness, read, {
            kind: "foreign-access",
            action: "read",
            resource: "vector store",
            id,
          });
          const foreignAdd = await other.call("createVectorStoreFile", {
            params: { id },
            json: { file_id: file.id },
          });
          verify(context, harness, foreignAdd, {
            kind: "foreign-access",
            action: "change",
            resource: "vector store",
            id,
          });

          // The second account's own store, with the first account's file: the file must not resolve.
          const ownId = await createStore(context, harness, tracker, other, model, "secondary");
          const useForeignFile = await other.call("createVectorStoreFile", {
            params: { id: ownId },
            json: { file_id: file.id },
          });
          verify(context, harness, useForeignFile, {
            kind: "foreign-access",
            action: "use",
            resource: "file",
            id: file.id,
          });
        });
      });
    });
  });
}
