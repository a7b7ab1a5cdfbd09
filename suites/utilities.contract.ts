import { describe, test } from "vitest";
import { arrayField, stringsOf } from "./support/body-fields.ts";
import { covers, requireResource, requireWrites } from "./support/requirements.ts";
import { setupSuite } from "./support/suite-setup.ts";
import { verify } from "./support/verify.ts";

for (const { harness, tracker } of setupSuite(["utilities", "mcp-servers", "common"])) {
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

      test("a disabled server is not listed", async (context) => {
        const checks = [covers("listCoreServers", "response-body-rule", "response-schema-conformance")];
        requireWrites(context, harness, checks);
        const name = harness.uniqueName("mcp");
        const registered = await harness.primary.call("registerExternalMcpServer", {
          json: {
            name,
            displayName: "Contract test server",
            description: "Registered by msq-harness contract suites",
            url: "http://127.0.0.1:9/mcp",
            authMode: "none",
            secretFields: [],
            enabled: true,
          },
        });
        verify(context, harness, registered, { kind: "lifecycle", step: "create", resource: "MCP server" });
        tracker.track("MCP server", name, "primary", { operationId: "uninstallMcpServer", params: { name } });
        const disabled = await harness.primary.call("updateMcpServerInstall", {
          params: { name },
          json: { enabled: false },
        });
        verify(context, harness, disabled, {
          kind: "lifecycle",
          step: "update",
          resource: "MCP server",
          id: name,
        });
        const call = await harness.primary.call("listCoreServers");
        verify(context, harness, call, {
          kind: "body-rule",
          rule: "GET /v1/core/servers lists only enabled servers, and external servers only when installed.",
          problems: (body) =>
            stringsOf(arrayField(body, "servers"), "name").includes(name)
              ? [`the disabled server ${name} is listed`]
              : [],
        });
      });

      test("lists tools", async (context) => {
        const call = await harness.primary.call("listCoreTools");
        verify(context, harness, call);
      });

      test("generates a prompt", async (context) => {
        const model = requireResource(context, harness, "chatModel", [covers("generatePrompt")]);
        const call = await harness.primary.call("generatePrompt", {
          json: {
            model,
            messages: [{ role: "user", content: "An agent that summarizes support tickets." }],
            type: "agent",
          },
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
        verify(context, harness, call, {
          kind: "expected-status",
          statuses: [400],
          reason: "messages is missing",
        });
      });
    });
  });
}
