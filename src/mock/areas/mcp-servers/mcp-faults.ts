import type { FaultDefinition } from "../../fault-registry.ts";

export const MCP_FAULTS = {
  secretValueReturned: {
    name: "mcp-secret-value-returned",
    area: "mcp-servers",
    kind: "masking",
    rule: "Saved MCP server secrets are write-only: reads list their names, never their values.",
  },
  clientSecretReturned: {
    name: "mcp-client-secret-returned",
    area: "mcp-servers",
    kind: "masking",
    rule: "An OAuth client secret sent to an MCP server is write-only: no read returns it.",
  },
  serversListedAcrossAccounts: {
    name: "mcp-servers-listed-across-accounts",
    area: "mcp-servers",
    kind: "namespacing",
    rule: "An account sees only the platform servers and the external servers it registered.",
  },
  disabledToolCallAccepted: {
    name: "mcp-tool-call-on-disabled-server-accepted",
    area: "mcp-servers",
    kind: "status-code",
    rule: "A tool call on a server that is disabled for the account answers 409.",
  },
  clientMetadataNeedsKey: {
    name: "mcp-client-metadata-requires-key",
    area: "mcp-servers",
    kind: "auth",
    rule: "The OAuth client metadata document is public: it answers 200 without an API key.",
  },
  clientMetadataServedAsText: {
    name: "mcp-client-metadata-served-as-text",
    area: "mcp-servers",
    kind: "header",
    rule: "The OAuth client metadata document is JSON with Content-Type: application/json.",
    operations: ["getOAuthClientMetadata"],
    transformResponse: (response) =>
      response.kind === "json" && response.status === 200
        ? { ...response, contentType: "text/plain; charset=utf-8" }
        : response,
  },
} satisfies Record<string, FaultDefinition>;
