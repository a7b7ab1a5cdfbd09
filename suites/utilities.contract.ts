import { describe, test } from "vitest";
import { covers, requireResource } from "./support/requirements.ts";
import { setupSuite } from "./support/suite-setup.ts";
import { verify } from "./support/verify.ts";

for (const { harness } of setupSuite(["utilities", "common"])) {
  describe(harness.label, () => {
    describe("core utilities", () => {
      test("core config masks provider keys", async (context) => {
        const call = await harness.primary.call("getCoreConfig");
        verify(context, harness, call, [{ kind: "success" }, { kind: "masking", secrets: [] }]);
      });

      test("lists enabled servers", async (context) => {
        const call = await harness.primary.call("listCoreServers");
        verify(context, harness, call);
      });

      test("lists tools", async (context) => {
        const call = await harness.primary.call("listCoreTools");
        verify(context, harness, call);
      });

      test("generates a prompt", async (context) => {
        const model = requireResource(context, harness, "chatModel", [covers("generatePrompt")]);
        const call = await harness.primary.call("generatePrompt", {
          json: { model, messages: [{ role: "user", content: "An agent that summarizes support tickets." }], type: "agent" },
        });
        verify(context, harness, call);
      });

      test.for([
        ["url is not a URL", { url: "not a url" }],
        ["url has the ftp scheme", { url: "ftp://127.0.0.1/file.txt" }],
        ["url is missing", {}],
      ] as const)("scrape rejects when %s", async ([reason, json], context) => {
        const call = await harness.primary.call("scrapeUrl", { json });
        verify(context, harness, call, { kind: "expected-status", statuses: [400], reason });
      });

      test("generate prompt rejects a body without messages", async (context) => {
        const call = await harness.primary.call("generatePrompt", { json: { model: "any-model" } });
        verify(context, harness, call, { kind: "expected-status", statuses: [400], reason: "messages is missing" });
      });
    });
  });
}
