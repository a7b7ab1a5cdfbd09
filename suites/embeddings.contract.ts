import { describe, test } from "vitest";
import { createTestModel, createTestProvider } from "./support/fixtures.ts";
import { covers, requireResource, requireSecondAccount, requireWrites } from "./support/requirements.ts";
import { setupSuite } from "./support/suite-setup.ts";
import { verify } from "./support/verify.ts";

const EMBEDDING_CHECKS = ["response-schema-conformance", "embedding-dimensions"];

for (const { harness, tracker } of setupSuite(["embeddings", "models", "common"])) {
  describe(harness.label, () => {
    describe("embeddings", () => {
      test.for([
        ["one text", "Mission Squad embeddings test."],
        ["a list of texts", ["First sentence", "Second sentence", "Third sentence"]],
      ] as const)("embeds %s", async ([, input], context) => {
        const model = requireResource(context, harness, "embeddingModel", [
          covers("createEmbeddings", ...EMBEDDING_CHECKS),
        ]);
        const call = await harness.primary.call("createEmbeddings", { json: { model, input } });
        verify(context, harness, call);
      });

      test("embeds as base64", async (context) => {
        const model = requireResource(context, harness, "embeddingModel", [
          covers("createEmbeddings", ...EMBEDDING_CHECKS),
        ]);
        const call = await harness.primary.call("createEmbeddings", {
          json: { model, input: "base64 please", encoding_format: "base64" },
        });
        verify(context, harness, call);
      });

      test("embeds with Bearer msq- key", async (context) => {
        const model = requireResource(context, harness, "embeddingModel", [
          covers("createEmbeddings", ...EMBEDDING_CHECKS),
        ]);
        const call = await harness.primary.call("createEmbeddings", {
          json: { model, input: "bearer" },
          scheme: "bearer",
        });
        verify(context, harness, call);
      });
    });

    describe("embedding errors", () => {
      test("rejects text-embedding-3-large", async (context) => {
        const call = await harness.primary.call("createEmbeddings", {
          json: { model: "text-embedding-3-large", input: "too wide" },
        });
        verify(context, harness, call, {
          kind: "expected-status",
          statuses: [400],
          reason: "the model is text-embedding-3-large",
        });
      });

      test.for([
        ["model is missing", { input: "x" }],
        ["input is missing", { model: "text-embedding-3-small" }],
        ["input is an empty list", { model: "text-embedding-3-small", input: [] }],
        ["input is a number", { model: "text-embedding-3-small", input: 42 }],
      ] as const)("rejects when %s", async ([reason, json], context) => {
        const call = await harness.primary.call("createEmbeddings", { json });
        verify(context, harness, call, { kind: "expected-status", statuses: [400], reason });
      });

      test("unknown model gets 404", async (context) => {
        const call = await harness.primary.call("createEmbeddings", {
          json: { model: harness.uniqueName("absent-embed"), input: "x" },
        });
        verify(context, harness, call, {
          kind: "expected-status",
          statuses: [404],
          reason: "the model is not in the account",
        });
      });
    });

    describe.sequential("embedding namespacing", () => {
      test("second account cannot embed with the model", async (context) => {
        const checks = [covers("createEmbeddings", "namespacing-foreign-use-rejected")];
        requireWrites(context, harness, checks);
        const other = requireSecondAccount(context, harness, checks);
        const provider = await createTestProvider(context, harness, tracker, harness.primary);
        const name = await createTestModel(context, harness, tracker, harness.primary, provider, {
          embedding: true,
        });
        const own = await harness.primary.call("createEmbeddings", { json: { model: name, input: "owner" } });
        verify(context, harness, own);
        const call = await other.call("createEmbeddings", { json: { model: name, input: "not yours" } });
        verify(context, harness, call, {
          kind: "foreign-access",
          action: "use",
          resource: "embedding model",
          id: name,
        });
      });
    });
  });
}
