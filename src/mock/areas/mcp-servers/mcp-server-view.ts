import type { ActiveFaults } from "../../fault-registry.ts";
import type { Account, MockStore } from "../../store.ts";
import { MCP_FAULTS } from "./mcp-faults.ts";
import { MCP_SERVERS, type McpOAuthClientConfig, type McpServerRecord } from "./mcp-server-records.ts";
import { toolListing } from "./mcp-tools.ts";

/** Whether an account can use a server now, and why not when it cannot. */
export interface McpServerReadiness {
  readonly installed: boolean;
  readonly enabled: boolean;
  readonly authState: "not_required" | "not_connected" | "connected" | "reauth_required";
  /** Names of required secrets the account has not saved. */
  readonly missingSecrets: readonly string[];
  readonly connected: boolean;
}

export function serverReadiness(
  store: MockStore,
  account: Account,
  server: McpServerRecord,
): McpServerReadiness {
  const state = store.slot(account, MCP_SERVERS);
  const install = state.installs.get(server.name);
  const saved = state.secrets.get(server.name);
  const missingSecrets = server.secretFields
    .filter((field) => field.required && (saved?.get(field.name) ?? "") === "")
    .map((field) => field.name);
  let authState: McpServerReadiness["authState"] = "not_required";
  if (server.authMode === "oauth2") {
    const grant = state.grants.get(server.name);
    authState = grant === undefined ? "not_connected" : grant.state;
  }
  const installed = install !== undefined;
  const enabled = install?.enabled ?? true;
  const authorized = authState === "not_required" || authState === "connected";
  return {
    installed,
    enabled,
    authState,
    missingSecrets,
    connected: installed && enabled && authorized && missingSecrets.length === 0,
  };
}

/** Builds the `UserVisibleMcpServer` of a server for an account, without client secret or secret values. */
export function userVisibleServer(
  store: MockStore,
  account: Account,
  server: McpServerRecord,
  faults: ActiveFaults,
): Record<string, unknown> {
  const state = store.slot(account, MCP_SERVERS);
  const readiness = serverReadiness(store, account, server);
  const savedSecrets = state.secrets.get(server.name);
  const view: Record<string, unknown> = {
    name: server.name,
    displayName: server.displayName,
    description: server.description,
    source: server.source,
    transportType: server.transportType,
    status: readiness.connected ? "connected" : "disconnected",
    enabled: readiness.enabled,
    installed: readiness.installed,
    authRequired: server.authMode === "oauth2" || server.secretFields.some((field) => field.required),
    authMode: server.authMode,
    authState: readiness.authState,
    canInstall: !readiness.installed,
    canUninstall: readiness.installed,
    canConfigure: server.source === "external" || server.secretFields.length > 0,
    secretFields: server.secretFields,
  };
  if (server.secretFields.length > 0 || savedSecrets !== undefined) {
    view["configuredSecretNames"] = [...(savedSecrets?.keys() ?? [])].sort();
  }
  if (server.oauthTemplate !== undefined) view["oauthTemplate"] = server.oauthTemplate;
  const clientConfig = state.installs.get(server.name)?.oauthClientConfig ?? server.oauthClientConfig;
  if (clientConfig !== undefined) {
    view["oauthClientConfig"] = clientConfigView(clientConfig, faults.has(MCP_FAULTS.clientSecretReturned));
  }
  if (readiness.connected) view["toolsList"] = server.tools.map(toolListing);
  else view["statusMessage"] = statusMessage(server, readiness);

  if (faults.has(MCP_FAULTS.secretValueReturned) && savedSecrets !== undefined) {
    view["secretValues"] = Object.fromEntries(savedSecrets);
  }
  return view;
}

function clientConfigView(config: McpOAuthClientConfig, withSecret: boolean): Record<string, unknown> {
  const view: Record<string, unknown> = {};
  if (config.clientId !== undefined) view["clientId"] = config.clientId;
  if (config.scopes !== undefined) view["scopes"] = config.scopes;
  if (withSecret && config.clientSecret !== undefined) view["clientSecret"] = config.clientSecret;
  return view;
}

function statusMessage(server: McpServerRecord, readiness: McpServerReadiness): string {
  const base = `/v1/mcp/servers/${encodeURIComponent(server.name)}`;
  if (!readiness.installed) return `Not installed for this account; install it with POST ${base}/install.`;
  if (!readiness.enabled) return `Installed but disabled; send { "enabled": true } to PUT ${base}/install.`;
  if (readiness.authState === "not_connected")
    return `Waiting for OAuth authorization; start it with POST ${base}/oauth/start.`;
  if (readiness.authState === "reauth_required")
    return `The OAuth tokens stopped working; authorize again with POST ${base}/oauth/start.`;
  return `Missing secrets ${readiness.missingSecrets.join(", ")}; save them with POST ${base}/secrets.`;
}
