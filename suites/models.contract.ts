import { describe, test } from "vitest";
import { arrayField, stringsOf } from "./support/body-fields.ts";
import { createTestModel, createTestProvider } from "./support/fixtures.ts";
import { covers, requireResource, requireSecondAccount, requireWrites } from "./support/requirements.ts";
import { setupSuite } from "./support/suite-setup.ts";
import { verify } from "./support/verify.ts";

/** Ids in a GET /v1/models body. */
const modelIds = (body: unknown): string[] => stringsOf(arrayField(body, "data"), "id");
/** Names in a GET /v1/modelmap body. */
const mapNames = (body: unknown): string[] =>
  body !== null && typeof body === "object" ? Object.keys(body) : [];

for (const { harness, tracker } of setupSuite(["models", "chat", "common"])) {
  describe(harness.label, () => {
    describe("models", () => {
      test("lists the account's models", async (context) => {
        const call = await harness.primary.call("listModels");
        verify(context, harness, call);
      });

      test("lists the configured chat model", async (context) => {
        const chatModel = requireResource(context, harness, "chatModel", [
          covers("listModels", "consistency-listed-target"),
        ]);
        const call = await harness.primary.call("listModels");
        verify(context, harness, call, {
          kind: "consistency",
          rule: "listed-target",
          documented: `the chat model ${chatModel} in GET /v1/models`,
          mismatches: (body) => (modelIds(body).includes(chatModel) ? [] : [`a list without ${chatModel}`]),
        });
      });

      test("returns the model map masked", async (context) => {
        const call = await harness.primary.call("getModelMap");
        verify(context, harness, call, { kind: "masking", secrets: [] });
      });

      describe.sequential("model lifecycle", () => {
        test("add, list, map, delete, gone", async (context) => {
          requireWrites(context, harness, [
            covers("addModel", "lifecycle-create-succeeds"),
            covers("deleteModel", "lifecycle-delete-succeeds"),
          ]);
          const provider = await createTestProvider(context, harness, tracker, harness.primary);
          const name = harness.uniqueName("model");
          const added = await harness.primary.call("addModel", {
            json: {
              name,
              description: "Created by msq-harness contract suites",
              providerKey: provider.providerKey,
              model: "gpt-4o-mini",
            },
          });
          verify(context, harness, added, { kind: "lifecycle", step: "create", resource: "model" });
          const entry = tracker.track("model", name, "primary", {
            operationId: "deleteModel",
            json: { modelId: name },
          });

          const listed = await harness.primary.call("listModels");
          verify(context, harness, listed, {
            kind: "lifecycle",
            step: "list",
            resource: "model",
            id: name,
            expected: "present",
            listedIds: modelIds,
          });
          const map = await harness.primary.call("getModelMap");
          verify(context, harness, map, {
            kind: "lifecycle",
            step: "read",
            resource: "model",
            id: name,
            idIn: mapNames,
          });
          verify(context, harness, map, { kind: "masking", secrets: [provider.secret] });

          const deleted = await harness.primary.call("deleteModel", { json: { modelId: name } });
          verify(context, harness, deleted, {
            kind: "lifecycle",
            step: "delete",
            resource: "model",
            id: name,
          });
          tracker.forget(entry);
          const after = await harness.primary.call("listModels");
          verify(context, harness, after, {
            kind: "lifecycle",
            step: "list",
            resource: "model",
            id: name,
            expected: "absent",
            listedIds: modelIds,
          });
          const again = await harness.primary.call("deleteModel", { json: { modelId: name } });
          verify(context, harness, again, {
            kind: "expected-status",
            statuses: [404],
            reason: "the model was already deleted",
          });
        });
      });

      describe("documented errors", () => {
        test.for([
          ["name is missing", { description: "x", providerKey: "openai", model: "gpt-4o-mini" }],
          [
            "description is missing",
            { name: "msqh-never-created", providerKey: "openai", model: "gpt-4o-mini" },
          ],
          [
            "programmaticToolCalling is not a boolean",
            {
              name: "msqh-never-created",
              description: "x",
              providerKey: "openai",
              model: "gpt-4o-mini",
              programmaticToolCalling: "sometimes",
            },
          ],
        ] as const)("addModel rejects when %s", async ([reason, json], context) => {
          requireWrites(context, harness, [covers("addModel", "documented-error-status")]);
          const call = await harness.primary.call("addModel", { json });
          verify(context, harness, call, { kind: "expected-status", statuses: [400], reason });
        });

        test("addModel rejects text-embedding-3-large", async (context) => {
          requireWrites(context, harness, [covers("addModel", "documented-error-status")]);
          const provider = await createTestProvider(context, harness, tracker, harness.primary);
          const name = harness.uniqueName("embed-large");
          const call = await harness.primary.call("addModel", {
            json: {
              name,
              description: "unsupported",
              providerKey: provider.providerKey,
              model: "text-embedding-3-large",
              extractEmbeddingModels: true,
            },
          });
          // Tracked in case a broken deployment stores it anyway.
          tracker.track("model", name, "primary", { operationId: "deleteModel", json: { modelId: name } });
          verify(context, harness, call, {
            kind: "expected-status",
            statuses: [400],
            reason: "the embedding model is text-embedding-3-large",
          });
        });

        test("deleteModel of an unknown model", async (context) => {
          requireWrites(context, harness, [covers("deleteModel", "documented-error-status")]);
          const call = await harness.primary.call("deleteModel", {
            json: { modelId: harness.uniqueName("absent") },
          });
          verify(context, harness, call, {
            kind: "expected-status",
            statuses: [404],
            reason: "the model does not exist",
          });
        });

        test("discoverModels without providerKey", async (context) => {
          const call = await harness.primary.call("discoverModels", { json: {} });
          verify(context, harness, call, {
            kind: "expected-status",
            statuses: [400],
            reason: "providerKey is missing",
          });
        });
      });

      test("discovers the models of a configured provider", async (context) => {
        const providerKey = requireResource(context, harness, "ttsProvider", [covers("discoverModels")]);
        const call = await harness.primary.call("discoverModels", { json: { providerKey } });
        verify(context, harness, call);
      });

      describe.sequential("model namespacing", () => {
        test("second account cannot see, use or delete the model", async (context) => {
          const checks = [
            covers("listModels", "namespacing-foreign-list-excluded"),
            covers("createChatCompletion", "namespacing-foreign-use-rejected"),
            covers("deleteModel", "namespacing-foreign-delete-rejected"),
          ];
          requireWrites(context, harness, checks);
          const other = requireSecondAccount(context, harness, checks);
          const provider = await createTestProvider(context, harness, tracker, harness.primary);
          const name = await createTestModel(context, harness, tracker, harness.primary, provider);

          const list = await other.call("listModels");
          verify(context, harness, list, {
            kind: "foreign-access",
            action: "list",
            resource: "model",
            id: name,
            listedIds: modelIds,
          });
          const chat = await other.call("createChatCompletion", {
            json: { model: name, messages: [{ role: "user", content: "hi" }] },
          });
          verify(context, harness, chat, {
            kind: "foreign-access",
            action: "use",
            resource: "model",
            id: name,
          });
          const map = await other.call("getModelMap");
          verify(context, harness, map, {
            kind: "foreign-access",
            action: "list",
            resource: "model",
            id: name,
            listedIds: mapNames,
          });
          const removal = await other.call("deleteModel", { json: { modelId: name } });
          verify(context, harness, removal, {
            kind: "foreign-access",
            action: "delete",
            resource: "model",
            id: name,
          });
          const still = await harness.primary.call("listModels");
          verify(context, harness, still, {
            kind: "lifecycle",
            step: "list",
            resource: "model",
            id: name,
            expected: "present",
            listedIds: modelIds,
          });
        });
      });
    });
  });
}
