import { describe, test } from "vitest";
import { arrayField, stringsOf } from "./support/body-fields.ts";
import { jsonBody } from "./support/fixtures.ts";
import { covers, requireResource, requireWrites } from "./support/requirements.ts";
import { setupSuite } from "./support/suite-setup.ts";
import { skipChecks, verify } from "./support/verify.ts";

/** safeNames of a GET /v1/core/collections body (a plain array, or a data envelope). */
const safeNames = (body: unknown): string[] =>
  stringsOf(Array.isArray(body) ? body : arrayField(body, "data"), "safeName");

for (const { harness } of setupSuite(["collections", "common"])) {
  describe(harness.label, () => {
    describe("collections", () => {
      test("lists the account's collections masked", async (context) => {
        const call = await harness.primary.call("listCollections");
        verify(context, harness, call, [
          { kind: "success" },
          { kind: "masking", secrets: [] },
          { kind: "namespace-keys", resource: "collection", keysOf: safeNames },
        ]);
      });

      test("searches, diagnoses and recovers the first collection", async (context) => {
        const checks = [
          covers("searchCollection"),
          covers("getCollectionDiagnostics"),
          covers("recoverCollection"),
        ];
        const model = requireResource(context, harness, "embeddingModel", checks);
        const list = await harness.primary.call("listCollections");
        verify(context, harness, list);
        const name = safeNames(jsonBody(list))[0];
        if (name === undefined) skipChecks(context, harness, "the account has no collection", checks);
        const search = await harness.primary.call("searchCollection", {
          params: { collectionName: name },
          json: { query: "contract test", embeddingModelName: model, topK: 3 },
        });
        verify(context, harness, search);
        const diagnostics = await harness.primary.call("getCollectionDiagnostics", {
          params: { collectionName: name },
        });
        verify(context, harness, diagnostics);
      });

      test("search rejects text-embedding-3-large", async (context) => {
        const list = await harness.primary.call("listCollections");
        verify(context, harness, list);
        const name = safeNames(jsonBody(list))[0] ?? "msqh-absent";
        const call = await harness.primary.call("searchCollection", {
          params: { collectionName: name },
          json: { query: "x", embeddingModelName: "text-embedding-3-large" },
        });
        verify(context, harness, call, {
          kind: "expected-status",
          statuses: [400],
          reason: "the embedding model is text-embedding-3-large",
        });
      });

      test.for([
        ["query is missing", { embeddingModelName: "text-embedding-3-small" }],
        ["embeddingModelName is missing", { query: "x" }],
      ] as const)("search rejects when %s", async ([reason, json], context) => {
        const list = await harness.primary.call("listCollections");
        const name = safeNames(jsonBody(list))[0] ?? "msqh-absent";
        const call = await harness.primary.call("searchCollection", {
          params: { collectionName: name },
          json,
        });
        verify(context, harness, call, { kind: "expected-status", statuses: [400], reason });
      });

      test.for(["searchCollection", "getCollectionDiagnostics", "recoverCollection"] as const)(
        "%s of an unknown collection gets 404",
        async (operationId, context) => {
          if (operationId === "recoverCollection")
            requireWrites(context, harness, [covers(operationId, "documented-error-status")]);
          const json =
            operationId === "searchCollection"
              ? { query: "x", embeddingModelName: "text-embedding-3-small" }
              : operationId === "recoverCollection"
                ? { strategy: "repair" }
                : undefined;
          const call = await harness.primary.call(operationId, {
            params: { collectionName: "msqh-absent-collection" },
            ...(json === undefined ? {} : { json }),
          });
          verify(context, harness, call, {
            kind: "expected-status",
            statuses: [404],
            reason: "the collection does not exist",
          });
        },
      );
    });
  });
}
