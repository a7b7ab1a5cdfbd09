import { defineAccountSlot, type Account, type MockStore } from "../../store.ts";
import { EXTERNAL_SERVER_TOOLS, PLATFORM_SERVER_TOOLS, type McpToolDefinition } from "./mcp-tools.ts";

export type McpAuthMode = "none" | "oauth2";
export type McpRegistrationMode = "cimd" | "dcr" | "manual";
export type McpTokenEndpointAuthMethod = "none" | "client_secret_post" | "client_secret_basic";

/** OAuth settings of an external server, as registered (usually taken from discovery). */
export interface McpOAuthTemplate {
  readonly authorizationServerIssuer: string;
  readonly authorizationServerMetadataUrl: string;
  readonly resourceMetadataUrl?: string;
  readonly resourceUri: string;
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  readonly scopesSupported?: readonly string[];
  readonly challengedScopes?: readonly string[];
  readonly codeChallengeMethodsSupported: readonly string[];
  readonly pkceRequired: boolean;
  readonly discoveryMode: "auto" | "manual";
  readonly discoverySource?: "prm" | "issuer_override";
  readonly registrationMode: McpRegistrationMode;
  readonly manualClientCredentialsAllowed?: boolean;
  readonly clientIdMetadataDocumentSupported?: boolean;
  readonly registrationEndpoint?: string;
  readonly tokenEndpointAuthMethodsSupported?: readonly McpTokenEndpointAuthMethod[];
  readonly authorizationRequestParams?: readonly { readonly name: string; readonly value: string }[];
}

/** A secret an API-key server needs. */
export interface McpSecretField {
  readonly name: string;
  readonly label: string;
  readonly description: string;
  readonly required: boolean;
  readonly inputType: "password";
}

/** OAuth client credentials; `clientSecret` is stored in clear and never part of a read. */
export interface McpOAuthClientConfig {
  readonly clientId?: string;
  readonly clientSecret?: string;
  readonly scopes?: readonly string[];
}

/** An MCP server definition: a platform server visible to every account, or an account's external server. */
export interface McpServerRecord {
  readonly name: string;
  readonly displayName: string;
  readonly description: string;
  readonly source: "platform" | "external";
  readonly transportType: "stdio" | "streamable_http";
  /** Remote URL of an external server; the mock never connects to it. */
  readonly url?: string;
  readonly authMode: McpAuthMode;
  readonly oauthTemplate?: McpOAuthTemplate;
  readonly secretFields: readonly McpSecretField[];
  readonly homepageUrl?: string;
  readonly repositoryUrl?: string;
  readonly licenseName?: string;
  readonly catalogProvider?: "glama" | "manual";
  readonly catalogId?: string;
  readonly oauthClientConfig?: McpOAuthClientConfig;
  readonly tools: readonly McpToolDefinition[];
}

/** An account's install of a server. */
export interface McpInstallRecord {
  readonly enabled: boolean;
  readonly oauthClientConfig?: McpOAuthClientConfig;
}

/** OAuth tokens an account holds for a server, after a completed authorization. */
export interface McpOAuthGrant {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly scopes: readonly string[];
  /** `reauth_required` once the tokens stop working, and tool calls then get 401. */
  readonly state: "connected" | "reauth_required";
  readonly grantedAt: number;
}

/** An authorization started with `oauth/start` and not completed yet. */
export interface McpPendingAuthorization {
  readonly state: string;
  readonly serverName: string;
  readonly webhookId: string;
  readonly clientId: string;
  readonly codeVerifier: string;
  readonly redirectUri: string;
  readonly scopes: readonly string[];
  readonly createdAt: number;
}

/** The MCP server state of one account. */
export interface McpAccountState {
  /** External servers the account registered, by name. */
  readonly external: Map<string, McpServerRecord>;
  readonly installs: Map<string, McpInstallRecord>;
  /** Saved secret values by server name, then secret name. Never returned by a read. */
  readonly secrets: Map<string, Map<string, string>>;
  readonly grants: Map<string, McpOAuthGrant>;
  /** Pending authorizations by their `state` parameter. */
  readonly pendingAuthorizations: Map<string, McpPendingAuthorization>;
  /** Time of the last refresh of each server's connection, in Unix ms. */
  readonly refreshedAt: Map<string, number>;
}

export const MCP_SERVERS = defineAccountSlot<McpAccountState>("mcp-servers", () => ({
  external: new Map(),
  installs: new Map(),
  secrets: new Map(),
  grants: new Map(),
  pendingAuthorizations: new Map(),
  refreshedAt: new Map(),
}));

/**
 * Pending authorizations kept per account. Each `oauth/start` adds one, so the oldest are dropped
 * past this count to keep the store bounded under load.
 */
export const MAX_PENDING_AUTHORIZATIONS = 100;

/**
 * The platform servers visible to every account, installed from the start. The names and tools are the
 * examples of the `/v1/core/tools` and `/v1/core/servers` reference pages.
 */
export const PLATFORM_SERVERS: readonly McpServerRecord[] = [
  {
    name: "weather-server",
    displayName: "Weather",
    description: "Weather lookups",
    source: "platform",
    transportType: "stdio",
    authMode: "none",
    secretFields: [],
    tools: PLATFORM_SERVER_TOOLS["weather-server"] ?? [],
  },
  {
    name: "calculator-server",
    displayName: "Calculator",
    description: "Evaluates math expressions",
    source: "platform",
    transportType: "stdio",
    authMode: "none",
    secretFields: [],
    tools: PLATFORM_SERVER_TOOLS["calculator-server"] ?? [],
  },
];

/** Returns the tools every external server advertises, since the mock never connects to one. */
export function externalServerTools(): readonly McpToolDefinition[] {
  return EXTERNAL_SERVER_TOOLS;
}

/** Finds a server the account can see: a platform server or one of its own external servers. */
export function findMcpServer(store: MockStore, account: Account, name: string): McpServerRecord | undefined {
  return (
    PLATFORM_SERVERS.find((server) => server.name === name) ??
    store.slot(account, MCP_SERVERS).external.get(name)
  );
}

/** Lists every server the account can see, platform servers first. */
export function listAccountMcpServers(store: MockStore, account: Account): McpServerRecord[] {
  return [...PLATFORM_SERVERS, ...store.slot(account, MCP_SERVERS).external.values()];
}
