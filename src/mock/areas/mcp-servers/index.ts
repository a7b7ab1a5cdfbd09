import type { MockArea, OperationContext, PublicOperationContext } from "../../area.ts";
import { jsonResponse, type MockResponse } from "../../mock-response.ts";
import { requestOrigin } from "../../request-origin.ts";
import {
  InvalidRequestError,
  optionalBoolean,
  optionalObject,
  optionalString,
  requireBodyObject,
  requiredHttpUrl,
  requiredString,
} from "../../request-fields.ts";
import { MCP_CATALOG } from "./mcp-catalog.ts";
import { discoverServer } from "./mcp-discovery.ts";
import { MCP_FAULTS } from "./mcp-faults.ts";
import { clientMetadataDocument, startAuthorization } from "./mcp-oauth.ts";
import { readClientConfig, readRegistration, readSecrets } from "./mcp-requests.ts";
import {
  findMcpServer,
  listAccountMcpServers,
  MCP_SERVERS,
  PLATFORM_SERVERS,
  type McpServerRecord,
} from "./mcp-server-records.ts";
import { userVisibleServer } from "./mcp-server-view.ts";
import { callMcpTool, registerCallableTools } from "./mcp-tool-call.ts";
import { toolListing } from "./mcp-tools.ts";

export { completeAuthorization } from "./mcp-oauth.ts";
export { findMcpServer, listAccountMcpServers } from "./mcp-server-records.ts";
export { serverReadiness } from "./mcp-server-view.ts";
export { invokeMcpTool } from "./mcp-tool-call.ts";

/** Reads the `{name}` path parameter; a blank name gets 400. */
function serverNameParam(context: OperationContext): string {
  const name = (context.request.params["name"] ?? "").trim();
  if (name === "") throw new InvalidRequestError("The server name in the path is missing.", "name");
  return name;
}

/** Runs `use` with the caller's server named in the path, or returns a 404 response. */
function withServer(context: OperationContext, use: (server: McpServerRecord) => MockResponse): MockResponse {
  const name = serverNameParam(context);
  const server = findMcpServer(context.store, context.account, name);
  if (server === undefined) {
    return context.error(
      404,
      `No MCP server named ${name} in this account. List them with GET /v1/mcp/servers.`,
    );
  }
  return use(server);
}

function serverResponse(context: OperationContext, server: McpServerRecord): MockResponse {
  return jsonResponse(200, {
    success: true,
    server: userVisibleServer(context.store, context.account, server, context.faults),
  });
}

function discover(context: OperationContext): MockResponse {
  const body = requireBodyObject(context.request.json);
  const url = requiredHttpUrl(requiredString(body, "url"), "url");
  const override = optionalString(body, "authorizationServerIssuerOverride");
  const issuer =
    override === undefined ? undefined : requiredHttpUrl(override, "authorizationServerIssuerOverride");
  return jsonResponse(200, { success: true, ...discoverServer(url, issuer) });
}

function register(context: OperationContext): MockResponse {
  const server = readRegistration(requireBodyObject(context.request.json));
  if (PLATFORM_SERVERS.some((platform) => platform.name === server.name)) {
    throw new InvalidRequestError(
      `${server.name} is the name of a platform server; register the external server under another name.`,
      "name",
    );
  }
  // Registering an existing name again replaces the registration and keeps the install and secrets.
  context.store.slot(context.account, MCP_SERVERS).external.set(server.name, server);
  registerCallableTools(context.store, context.account, server);
  return serverResponse(context, server);
}

function install(context: OperationContext): MockResponse {
  return withServer(context, (server) => {
    const body = requireBodyObject(context.request.json);
    const enabled = optionalBoolean(body, "enabled");
    if (enabled === undefined)
      throw new InvalidRequestError("enabled is missing; send true or false.", "enabled");
    const config = optionalObject(body, "oauthClientConfig");
    const installs = context.store.slot(context.account, MCP_SERVERS).installs;
    const previous = installs.get(server.name)?.oauthClientConfig;
    const oauthClientConfig =
      config === undefined ? previous : readClientConfig(config, "oauthClientConfig.");
    installs.set(server.name, { enabled, ...(oauthClientConfig === undefined ? {} : { oauthClientConfig }) });
    return serverResponse(context, server);
  });
}

function uninstall(context: OperationContext): MockResponse {
  return withServer(context, (server) => {
    const state = context.store.slot(context.account, MCP_SERVERS);
    state.installs.delete(server.name);
    state.grants.delete(server.name);
    for (const [key, pending] of state.pendingAuthorizations) {
      if (pending.serverName === server.name) state.pendingAuthorizations.delete(key);
    }
    return jsonResponse(200, { success: true });
  });
}

function setSecrets(context: OperationContext): MockResponse {
  return withServer(context, (server) => {
    const secrets = readSecrets(requireBodyObject(context.request.json));
    const declared = new Set(server.secretFields.map((field) => field.name));
    const unknown = secrets.filter((secret) => !declared.has(secret.name)).map((secret) => secret.name);
    if (unknown.length > 0) {
      const valid =
        declared.size === 0 ? "it declares no secrets" : `it declares ${[...declared].join(", ")}`;
      throw new InvalidRequestError(
        `MCP server ${server.name} has no secret field named ${unknown.join(", ")}; ${valid}.`,
        "secrets",
      );
    }
    const saved = context.store.slot(context.account, MCP_SERVERS).secrets;
    const values = saved.get(server.name) ?? new Map<string, string>();
    for (const secret of secrets) values.set(secret.name, secret.value);
    saved.set(server.name, values);
    return jsonResponse(200, { success: true });
  });
}

function startOAuth(context: OperationContext): MockResponse {
  return withServer(context, (server) => {
    // The body is optional here, unlike on the other operations.
    const json = context.request.json;
    const input = readClientConfig(json === undefined ? {} : requireBodyObject(json), "");
    const result = startAuthorization(
      context.store,
      context.account,
      server,
      input,
      requestOrigin(context.request),
      context.request.receivedAtEpochMs,
    );
    return jsonResponse(200, { success: true, ...result });
  });
}

function refresh(context: OperationContext): MockResponse {
  return withServer(context, (server) => {
    context.store
      .slot(context.account, MCP_SERVERS)
      .refreshedAt.set(server.name, context.request.receivedAtEpochMs);
    return serverResponse(context, server);
  });
}

function listServers(context: OperationContext): MockResponse {
  const servers = listAccountMcpServers(context.store, context.account).map((server) =>
    userVisibleServer(context.store, context.account, server, context.faults),
  );
  if (context.faults.has(MCP_FAULTS.serversListedAcrossAccounts)) {
    for (const other of context.store.accounts()) {
      if (other === context.account) continue;
      for (const server of context.store.slot(other, MCP_SERVERS).external.values()) {
        servers.push(userVisibleServer(context.store, other, server, context.faults));
      }
    }
  }
  return jsonResponse(200, { success: true, servers });
}

function getServer(context: OperationContext): MockResponse {
  return withServer(context, (server) => serverResponse(context, server));
}

function listTools(context: OperationContext): MockResponse {
  return withServer(context, (server) =>
    jsonResponse(200, { success: true, tools: server.tools.map(toolListing) }),
  );
}

function listCatalog(): MockResponse {
  return jsonResponse(200, { success: true, servers: MCP_CATALOG });
}

function getClientMetadata(context: PublicOperationContext): MockResponse {
  if (context.faults.has(MCP_FAULTS.clientMetadataNeedsKey)) {
    const key = context.request.headers["x-api-key"];
    if (key === undefined || context.store.findAccountByKey(key) === undefined) {
      return context.error(401, "The request has no valid API key. Send it in x-api-key.", {
        code: "AUTH_REQUIRED",
      });
    }
  }
  return jsonResponse(200, clientMetadataDocument(requestOrigin(context.request)));
}

const NAME_PATH = "/v1/mcp/servers/{name}";

/**
 * Account-scoped MCP servers: the platform servers visible to every account, the external servers
 * an account registers, installs, secrets, OAuth authorization and tool calls. Nothing here
 * contacts a server URL. Discovery derives metadata from the URL, and tools run in the mock.
 */
export const mcpServersArea: MockArea = {
  name: "mcp-servers",
  operations: [
    {
      operationId: "discoverExternalMcpServer",
      method: "POST",
      path: "/v1/mcp/external-servers/discover",
      handle: discover,
    },
    {
      operationId: "registerExternalMcpServer",
      method: "POST",
      path: "/v1/mcp/external-servers",
      handle: register,
    },
    { operationId: "installMcpServer", method: "POST", path: `${NAME_PATH}/install`, handle: install },
    { operationId: "updateMcpServerInstall", method: "PUT", path: `${NAME_PATH}/install`, handle: install },
    { operationId: "uninstallMcpServer", method: "DELETE", path: `${NAME_PATH}/install`, handle: uninstall },
    { operationId: "setMcpServerSecrets", method: "POST", path: `${NAME_PATH}/secrets`, handle: setSecrets },
    {
      operationId: "startMcpServerOAuth",
      method: "POST",
      path: `${NAME_PATH}/oauth/start`,
      handle: startOAuth,
    },
    { operationId: "refreshMcpServer", method: "POST", path: `${NAME_PATH}/refresh`, handle: refresh },
    { operationId: "listMcpServers", method: "GET", path: "/v1/mcp/servers", handle: listServers },
    { operationId: "getMcpServer", method: "GET", path: NAME_PATH, handle: getServer },
    { operationId: "listMcpServerTools", method: "GET", path: `${NAME_PATH}/tools`, handle: listTools },
    {
      operationId: "listMcpCatalogServers",
      method: "GET",
      path: "/v1/mcp/catalog/servers",
      handle: listCatalog,
    },
    { operationId: "callMcpTool", method: "POST", path: "/v1/mcp/tool/call", handle: callMcpTool },
    {
      operationId: "getOAuthClientMetadata",
      method: "GET",
      path: "/.well-known/oauth/client-metadata.json",
      authentication: "none",
      handle: getClientMetadata,
    },
  ],
  faults: Object.values(MCP_FAULTS),
  seed(store, account) {
    const installs = store.slot(account, MCP_SERVERS).installs;
    for (const server of PLATFORM_SERVERS) {
      installs.set(server.name, { enabled: true });
      registerCallableTools(store, account, server);
    }
  },
};
