import { describe, test } from "vitest";
import { arrayField, field, stringsOf } from "./support/body-fields.ts";
import { fakeSecret, jsonBody } from "./support/fixtures.ts";
import { covers, requireSecondAccount, requireWrites } from "./support/requirements.ts";
import { setupSuite } from "./support/suite-setup.ts";
import { skipChecks, verify } from "./support/verify.ts";

/** Loopback URL for registered servers: a deployment that connects to it reaches nothing. */
const UNREACHABLE_MCP_URL = "http://127.0.0.1:9/mcp";
const serverNames = (body: unknown): string[] => stringsOf(arrayField(body, "servers"), "name");

for (const { harness, tracker } of setupSuite(["mcp-servers", "common"])) {
  describe(harness.label, () => {
    describe("MCP servers", () => {
      test("lists servers and the catalog", async (context) => {
        const servers = await harness.primary.call("listMcpServers");
        verify(context, harness, servers, [{ kind: "success" }, { kind: "masking", secrets: [] }]);
        const catalog = await harness.primary.call("listMcpCatalogServers");
        verify(context, harness, catalog);
      });

      test("OAuth client metadata is public JSON", async (context) => {
        const call = await harness.anonymous.call("getOAuthClientMetadata");
        verify(context, harness, call, [
          { kind: "auth-probe", probe: "public-without-key" },
          { kind: "header-value", header: "content-type", expected: "application/json" },
        ]);
      });

      describe.sequential("external server lifecycle", () => {
        test("register, read masked, secrets, disable, tool call refused, uninstall", async (context) => {
          const checks = [
            covers("registerExternalMcpServer", "lifecycle-create-succeeds", "masking-stored-secret-hidden"),
            covers("setMcpServerSecrets", "masking-stored-secret-hidden"),
            covers("callMcpTool", "documented-error-status"),
          ];
          requireWrites(context, harness, checks);
          const name = harness.uniqueName("mcp");
          const clientSecret = fakeSecret("mcp-client");
          const registered = await harness.primary.call("registerExternalMcpServer", {
            json: {
              name,
              displayName: "Contract test server",
              description: "Registered by msq-harness contract suites",
              url: UNREACHABLE_MCP_URL,
              authMode: "none",
              secretFields: [
                {
                  name: "API_KEY",
                  label: "API key",
                  description: "Key of the test server",
                  required: true,
                  inputType: "password",
                },
              ],
              catalogProvider: "manual",
              oauthClientConfig: { clientId: "msqh-client", clientSecret, scopes: ["read"] },
              enabled: true,
            },
          });
          verify(context, harness, registered, [
            { kind: "lifecycle", step: "create", resource: "MCP server" },
            { kind: "masking", secrets: [clientSecret] },
          ]);
          tracker.track("MCP server", name, "primary", {
            operationId: "uninstallMcpServer",
            params: { name },
          });

          const secret = fakeSecret("mcp-secret");
          const secrets = await harness.primary.call("setMcpServerSecrets", {
            params: { name },
            json: { secrets: [{ name: "API_KEY", value: secret }] },
          });
          verify(context, harness, secrets);
          const read = await harness.primary.call("getMcpServer", { params: { name } });
          verify(context, harness, read, [
            {
              kind: "lifecycle",
              step: "read",
              resource: "MCP server",
              id: name,
              idIn: (body) => [String(field(field(body, "server"), "name") ?? field(body, "name"))],
            },
            { kind: "masking", secrets: [clientSecret, secret] },
          ]);
          const listed = await harness.primary.call("listMcpServers");
          verify(context, harness, listed, [
            {
              kind: "lifecycle",
              step: "list",
              resource: "MCP server",
              id: name,
              expected: "present",
              listedIds: serverNames,
            },
            { kind: "masking", secrets: [clientSecret, secret] },
          ]);

          const tools = await harness.primary.call("listMcpServerTools", { params: { name } });
          verify(context, harness, tools);
          const method = stringsOf(arrayField(jsonBody(tools), "tools"), "name")[0];
          if (method === undefined)
            skipChecks(context, harness, "the registered server lists no tools", [
              covers("callMcpTool", "documented-error-status"),
            ]);
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
          const refused = await harness.primary.call("callMcpTool", {
            json: { serverName: name, method, args: {} },
          });
          verify(context, harness, refused, {
            kind: "expected-status",
            statuses: [409],
            reason: "the server is disabled for the account",
          });

          const uninstalled = await harness.primary.call("uninstallMcpServer", { params: { name } });
          verify(context, harness, uninstalled, {
            kind: "lifecycle",
            step: "delete",
            resource: "MCP server",
            id: name,
          });
        });
      });

      test("second account cannot see the registered server", async (context) => {
        const checks = [
          covers("listMcpServers", "namespacing-foreign-list-excluded"),
          covers("getMcpServer", "namespacing-foreign-read-rejected"),
        ];
        requireWrites(context, harness, checks);
        const other = requireSecondAccount(context, harness, checks);
        const name = harness.uniqueName("mcp");
        const registered = await harness.primary.call("registerExternalMcpServer", {
          json: {
            name,
            displayName: "Contract test server",
            description: "Registered by msq-harness contract suites",
            url: UNREACHABLE_MCP_URL,
            authMode: "none",
            secretFields: [],
            enabled: true,
          },
        });
        verify(context, harness, registered, { kind: "lifecycle", step: "create", resource: "MCP server" });
        tracker.track("MCP server", name, "primary", { operationId: "uninstallMcpServer", params: { name } });
        const list = await other.call("listMcpServers");
        verify(context, harness, list, {
          kind: "foreign-access",
          action: "list",
          resource: "MCP server",
          id: name,
          listedIds: serverNames,
        });
        const read = await other.call("getMcpServer", { params: { name } });
        verify(context, harness, read, {
          kind: "foreign-access",
          action: "read",
          resource: "MCP server",
          id: name,
        });
      });

      describe("MCP errors", () => {
        test.for([
          [
            "registerExternalMcpServer",
            "url is missing",
            {
              name: "msqh-never-created",
              displayName: "x",
              description: "x",
              authMode: "none",
              secretFields: [],
              enabled: true,
            },
          ],
          ["discoverExternalMcpServer", "url is missing", {}],
          ["callMcpTool", "method is missing", { serverName: "msqh-absent", args: {} }],
        ] as const)("%s rejects when %s", async ([operationId, reason, json], context) => {
          if (operationId === "registerExternalMcpServer")
            requireWrites(context, harness, [covers(operationId, "documented-error-status")]);
          const call = await harness.primary.call(operationId, { json });
          verify(context, harness, call, { kind: "expected-status", statuses: [400], reason });
        });

        test.for(["getMcpServer", "listMcpServerTools"] as const)(
          "%s of an unknown server gets 404",
          async (operationId, context) => {
            const call = await harness.primary.call(operationId, { params: { name: "msqh-absent-server" } });
            verify(context, harness, call, {
              kind: "expected-status",
              statuses: [404],
              reason: "the server does not exist",
            });
          },
        );

        test("tool call on an unknown server gets 404", async (context) => {
          const call = await harness.primary.call("callMcpTool", {
            json: { serverName: "msqh-absent-server", method: "anything", args: {} },
          });
          verify(context, harness, call, {
            kind: "expected-status",
            statuses: [404],
            reason: "the server does not exist",
          });
        });
      });
    });
  });
}
