import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { completeAuthorization } from "../../src/mock/areas/mcp-servers/index.ts";
import { evaluateArithmetic, ToolExecutionError } from "../../src/mock/areas/mcp-servers/mcp-tools.ts";
import { CALLABLE_MCP_TOOLS, mcpToolKey } from "../../src/mock/run-directory.ts";
import { startMock, type RunningMock } from "../../src/mock/server.ts";
import { ValidatorRegistry } from "../../src/validation/validator-registry.ts";
import { startMswDeployment, type MswDeployment } from "./support/adapter-pair.ts";
import { contractFailures } from "./support/contract-checks.ts";
import { expectProbeBreaksRule, faultNamesOf, withMock } from "./support/fault-probes.ts";
import { jsonBody, sendRequest as send, type Caller, type MockExchange } from "./support/mock-exchange.ts";

let registry: ValidatorRegistry;

beforeAll(async () => {
  registry = await ValidatorRegistry.load();
});

/** Returns the contract failures of a response against the spec. */
const failuresOf = (operationId: string, exchange: MockExchange): unknown[] =>
  contractFailures(registry, operationId, exchange);
const body = jsonBody;
const server = (exchange: MockExchange): Record<string, unknown> =>
  body(exchange)["server"] as Record<string, unknown>;

const NOTES_TEMPLATE = {
  authorizationServerIssuer: "https://mcp.example.com",
  authorizationServerMetadataUrl: "https://mcp.example.com/.well-known/oauth-authorization-server",
  resourceUri: "https://mcp.example.com/mcp",
  authorizationEndpoint: "https://mcp.example.com/authorize",
  tokenEndpoint: "https://mcp.example.com/token",
  scopesSupported: ["read", "write"],
  codeChallengeMethodsSupported: ["S256"],
  pkceRequired: true,
  discoveryMode: "auto",
  discoverySource: "prm",
  registrationMode: "cimd",
  authorizationRequestParams: [{ name: "prompt", value: "consent" }],
};

function oauthServer(
  name: string,
  template: Record<string, unknown> = NOTES_TEMPLATE,
): Record<string, unknown> {
  return {
    name,
    displayName: "Example Notes",
    description: "Notes over MCP",
    url: "https://mcp.example.com/mcp",
    authMode: "oauth2",
    oauthTemplate: template,
    secretFields: [],
    enabled: true,
  };
}

function keyServer(name: string): Record<string, unknown> {
  return {
    name,
    displayName: "Example Search",
    description: "Search with an API key",
    url: "https://search.example.com/mcp",
    authMode: "none",
    secretFields: [
      {
        name: "API_KEY",
        label: "API key",
        description: "Key from the dashboard",
        required: true,
        inputType: "password",
      },
    ],
    oauthClientConfig: { clientId: "search-client", clientSecret: "search-client-secret-0001" },
    enabled: true,
  };
}

const SECRET_VALUE = "sk-search-secret-value-0001";

interface OperationCase {
  readonly name: string;
  readonly operationId: string;
  readonly caller: Caller;
  readonly method: string;
  readonly path: string;
  readonly json?: unknown;
  readonly status: number;
}

/**
 * Happy paths and documented errors of every operation. They run in order on one mock, because
 * later cases use the servers that earlier cases register.
 */
const OPERATION_CASES: readonly OperationCase[] = [
  {
    name: "discover cimd server",
    operationId: "discoverExternalMcpServer",
    caller: "alice",
    method: "POST",
    path: "/v1/mcp/external-servers/discover",
    json: { url: "https://mcp.example.com/mcp" },
    status: 200,
  },
  {
    name: "discover with issuer override",
    operationId: "discoverExternalMcpServer",
    caller: "alice",
    method: "POST",
    path: "/v1/mcp/external-servers/discover",
    json: {
      url: "https://mcp.example.com/mcp",
      authorizationServerIssuerOverride: "https://login.example.com",
    },
    status: 200,
  },
  {
    name: "discover body not object",
    operationId: "discoverExternalMcpServer",
    caller: "alice",
    method: "POST",
    path: "/v1/mcp/external-servers/discover",
    json: [1],
    status: 400,
  },
  {
    name: "discover invalid url",
    operationId: "discoverExternalMcpServer",
    caller: "alice",
    method: "POST",
    path: "/v1/mcp/external-servers/discover",
    json: { url: "ftp://x" },
    status: 400,
  },
  {
    name: "discover without key",
    operationId: "discoverExternalMcpServer",
    caller: "none",
    method: "POST",
    path: "/v1/mcp/external-servers/discover",
    json: { url: "https://mcp.example.com/mcp" },
    status: 401,
  },
  {
    name: "register oauth server",
    operationId: "registerExternalMcpServer",
    caller: "alice",
    method: "POST",
    path: "/v1/mcp/external-servers",
    json: oauthServer("notes"),
    status: 200,
  },
  {
    name: "register key server",
    operationId: "registerExternalMcpServer",
    caller: "alice",
    method: "POST",
    path: "/v1/mcp/external-servers",
    json: keyServer("search"),
    status: 200,
  },
  {
    name: "register body not object",
    operationId: "registerExternalMcpServer",
    caller: "alice",
    method: "POST",
    path: "/v1/mcp/external-servers",
    json: '"text"',
    status: 400,
  },
  {
    name: "register oauth without template",
    operationId: "registerExternalMcpServer",
    caller: "alice",
    method: "POST",
    path: "/v1/mcp/external-servers",
    json: { ...oauthServer("x"), oauthTemplate: undefined },
    status: 400,
  },
  {
    name: "register platform name",
    operationId: "registerExternalMcpServer",
    caller: "alice",
    method: "POST",
    path: "/v1/mcp/external-servers",
    json: keyServer("weather-server"),
    status: 400,
  },
  {
    name: "install key server",
    operationId: "installMcpServer",
    caller: "alice",
    method: "POST",
    path: "/v1/mcp/servers/search/install",
    json: { enabled: true },
    status: 200,
  },
  {
    name: "install without enabled",
    operationId: "installMcpServer",
    caller: "alice",
    method: "POST",
    path: "/v1/mcp/servers/search/install",
    json: {},
    status: 400,
  },
  {
    name: "install unknown server",
    operationId: "installMcpServer",
    caller: "alice",
    method: "POST",
    path: "/v1/mcp/servers/nothing/install",
    json: { enabled: true },
    status: 404,
  },
  {
    name: "update install",
    operationId: "updateMcpServerInstall",
    caller: "alice",
    method: "PUT",
    path: "/v1/mcp/servers/notes/install",
    json: { enabled: true },
    status: 200,
  },
  {
    name: "update install unknown server",
    operationId: "updateMcpServerInstall",
    caller: "alice",
    method: "PUT",
    path: "/v1/mcp/servers/nothing/install",
    json: { enabled: true },
    status: 404,
  },
  {
    name: "save secrets",
    operationId: "setMcpServerSecrets",
    caller: "alice",
    method: "POST",
    path: "/v1/mcp/servers/search/secrets",
    json: { secrets: [{ name: "API_KEY", value: SECRET_VALUE }] },
    status: 200,
  },
  {
    name: "save empty secrets",
    operationId: "setMcpServerSecrets",
    caller: "alice",
    method: "POST",
    path: "/v1/mcp/servers/search/secrets",
    json: { secrets: [] },
    status: 400,
  },
  {
    name: "save undeclared secret",
    operationId: "setMcpServerSecrets",
    caller: "alice",
    method: "POST",
    path: "/v1/mcp/servers/search/secrets",
    json: { secrets: [{ name: "OTHER", value: "x" }] },
    status: 400,
  },
  {
    name: "save secret of unknown server",
    operationId: "setMcpServerSecrets",
    caller: "alice",
    method: "POST",
    path: "/v1/mcp/servers/nothing/secrets",
    json: { secrets: [{ name: "API_KEY", value: "x" }] },
    status: 404,
  },
  {
    name: "start oauth",
    operationId: "startMcpServerOAuth",
    caller: "alice",
    method: "POST",
    path: "/v1/mcp/servers/notes/oauth/start",
    status: 200,
  },
  {
    name: "start oauth on key server",
    operationId: "startMcpServerOAuth",
    caller: "alice",
    method: "POST",
    path: "/v1/mcp/servers/search/oauth/start",
    json: {},
    status: 400,
  },
  {
    name: "start oauth with manual creds on cimd",
    operationId: "startMcpServerOAuth",
    caller: "alice",
    method: "POST",
    path: "/v1/mcp/servers/notes/oauth/start",
    json: { clientId: "mine" },
    status: 400,
  },
  {
    name: "start oauth unknown server",
    operationId: "startMcpServerOAuth",
    caller: "alice",
    method: "POST",
    path: "/v1/mcp/servers/nothing/oauth/start",
    json: {},
    status: 404,
  },
  {
    name: "refresh",
    operationId: "refreshMcpServer",
    caller: "alice",
    method: "POST",
    path: "/v1/mcp/servers/search/refresh",
    status: 200,
  },
  {
    name: "refresh unknown server",
    operationId: "refreshMcpServer",
    caller: "alice",
    method: "POST",
    path: "/v1/mcp/servers/nothing/refresh",
    status: 404,
  },
  {
    name: "list servers",
    operationId: "listMcpServers",
    caller: "alice",
    method: "GET",
    path: "/v1/mcp/servers",
    status: 200,
  },
  {
    name: "list servers without key",
    operationId: "listMcpServers",
    caller: "none",
    method: "GET",
    path: "/v1/mcp/servers",
    status: 401,
  },
  {
    name: "get server",
    operationId: "getMcpServer",
    caller: "alice",
    method: "GET",
    path: "/v1/mcp/servers/notes",
    status: 200,
  },
  {
    name: "get unknown server",
    operationId: "getMcpServer",
    caller: "alice",
    method: "GET",
    path: "/v1/mcp/servers/nothing",
    status: 404,
  },
  {
    name: "list tools",
    operationId: "listMcpServerTools",
    caller: "alice",
    method: "GET",
    path: "/v1/mcp/servers/weather-server/tools",
    status: 200,
  },
  {
    name: "list tools unknown server",
    operationId: "listMcpServerTools",
    caller: "alice",
    method: "GET",
    path: "/v1/mcp/servers/nothing/tools",
    status: 404,
  },
  {
    name: "list catalog",
    operationId: "listMcpCatalogServers",
    caller: "alice",
    method: "GET",
    path: "/v1/mcp/catalog/servers",
    status: 200,
  },
  {
    name: "call weather",
    operationId: "callMcpTool",
    caller: "alice",
    method: "POST",
    path: "/v1/mcp/tool/call",
    json: { serverName: "weather-server", method: "weather", args: { location: "Paris" } },
    status: 200,
  },
  {
    name: "call with args not object",
    operationId: "callMcpTool",
    caller: "alice",
    method: "POST",
    path: "/v1/mcp/tool/call",
    json: { serverName: "weather-server", method: "weather", args: [] },
    status: 400,
  },
  {
    name: "call with oversized method",
    operationId: "callMcpTool",
    caller: "alice",
    method: "POST",
    path: "/v1/mcp/tool/call",
    json: { serverName: "weather-server", method: "w".repeat(201), args: {} },
    status: 400,
  },
  {
    name: "call unknown tool",
    operationId: "callMcpTool",
    caller: "alice",
    method: "POST",
    path: "/v1/mcp/tool/call",
    json: { serverName: "weather-server", method: "forecast", args: {} },
    status: 404,
  },
  {
    name: "call oauth server before authorization",
    operationId: "callMcpTool",
    caller: "alice",
    method: "POST",
    path: "/v1/mcp/tool/call",
    json: { serverName: "notes", method: "echo", args: { text: "hi" } },
    status: 401,
  },
  {
    name: "call failing tool",
    operationId: "callMcpTool",
    caller: "alice",
    method: "POST",
    path: "/v1/mcp/tool/call",
    json: { serverName: "calculator-server", method: "calculator", args: { expression: "1 +" } },
    status: 500,
  },
  {
    name: "disable install",
    operationId: "updateMcpServerInstall",
    caller: "alice",
    method: "PUT",
    path: "/v1/mcp/servers/search/install",
    json: { enabled: false },
    status: 200,
  },
  {
    name: "call disabled server",
    operationId: "callMcpTool",
    caller: "alice",
    method: "POST",
    path: "/v1/mcp/tool/call",
    json: { serverName: "search", method: "echo", args: { text: "hi" } },
    status: 409,
  },
  {
    name: "uninstall",
    operationId: "uninstallMcpServer",
    caller: "alice",
    method: "DELETE",
    path: "/v1/mcp/servers/search/install",
    status: 200,
  },
  {
    name: "uninstall unknown server",
    operationId: "uninstallMcpServer",
    caller: "alice",
    method: "DELETE",
    path: "/v1/mcp/servers/nothing/install",
    status: 404,
  },
  {
    name: "client metadata without key",
    operationId: "getOAuthClientMetadata",
    caller: "none",
    method: "GET",
    path: "/.well-known/oauth/client-metadata.json",
    status: 200,
  },
];

describe("mcp servers operations", () => {
  let mock: RunningMock;

  beforeAll(async () => {
    mock = await startMock();
  });

  afterAll(async () => {
    await mock.close();
  });

  test("cases cover every operation", () => {
    const documented = registry
      .operations()
      .filter((operation) => operation.tag === "MCP servers")
      .map((operation) => operation.operationId)
      .sort();
    expect([...new Set(OPERATION_CASES.map((testCase) => testCase.operationId))].sort()).toEqual(documented);
  });

  test.each(OPERATION_CASES.map((testCase) => [testCase.name, testCase] as const))(
    "%s",
    async (_name, testCase) => {
      const exchange = await send(
        mock.origin,
        testCase.caller,
        testCase.method,
        testCase.path,
        testCase.json,
      );
      expect(exchange.status).toBe(testCase.status);
      expect(failuresOf(testCase.operationId, exchange)).toEqual([]);
    },
  );
});

describe("mcp server state", () => {
  let mock: RunningMock;

  beforeAll(async () => {
    mock = await startMock();
    await send(mock.origin, "alice", "POST", "/v1/mcp/external-servers", oauthServer("notes"));
    await send(mock.origin, "alice", "POST", "/v1/mcp/external-servers", keyServer("search"));
  });

  afterAll(async () => {
    await mock.close();
  });

  test("platform servers are installed", async () => {
    const list = body(await send(mock.origin, "carol", "GET", "/v1/mcp/servers"))["servers"] as Record<
      string,
      unknown
    >[];
    const weather = list.find((entry) => entry["name"] === "weather-server");
    expect(weather?.["installed"]).toBe(true);
    expect(weather?.["status"]).toBe("connected");
    expect(weather?.["source"]).toBe("platform");
  });

  test("registration forces transport", async () => {
    const registered = server(
      await send(mock.origin, "alice", "POST", "/v1/mcp/external-servers", {
        ...keyServer("forced"),
        transportType: "stdio",
        source: "platform",
      }),
    );
    expect(registered["transportType"]).toBe("streamable_http");
    expect(registered["source"]).toBe("external");
    expect(registered["installed"]).toBe(false);
  });

  test("secrets are write-only", async () => {
    await send(mock.origin, "alice", "POST", "/v1/mcp/servers/search/install", { enabled: true });
    await send(mock.origin, "alice", "POST", "/v1/mcp/servers/search/secrets", {
      secrets: [{ name: "API_KEY", value: SECRET_VALUE }],
    });
    const reads = [
      await send(mock.origin, "alice", "GET", "/v1/mcp/servers"),
      await send(mock.origin, "alice", "GET", "/v1/mcp/servers/search"),
      await send(mock.origin, "alice", "POST", "/v1/mcp/servers/search/refresh"),
      await send(mock.origin, "alice", "PUT", "/v1/mcp/servers/search/install", { enabled: true }),
    ];
    for (const read of reads) expect(read.text).not.toContain(SECRET_VALUE);
    expect(server(reads[1] as MockExchange)["configuredSecretNames"]).toEqual(["API_KEY"]);
  });

  test("client secret is write-only", async () => {
    const installed = await send(mock.origin, "alice", "PUT", "/v1/mcp/servers/search/install", {
      enabled: true,
      oauthClientConfig: {
        clientId: "install-client",
        clientSecret: "install-client-secret-0001",
        scopes: ["read"],
      },
    });
    expect(installed.text).not.toContain("install-client-secret-0001");
    expect(installed.text).not.toContain("search-client-secret-0001");
    expect(server(installed)["oauthClientConfig"]).toEqual({ clientId: "install-client", scopes: ["read"] });
  });

  test("key server connects with its secret", async () => {
    const read = server(await send(mock.origin, "alice", "GET", "/v1/mcp/servers/search"));
    expect(read["status"]).toBe("connected");
    const call = await send(mock.origin, "alice", "POST", "/v1/mcp/tool/call", {
      serverName: "search",
      method: "word_count",
      args: { text: "one two three" },
    });
    expect(body(call)["data"]).toEqual({ content: "3", contentType: "text/plain" });
  });

  test("missing secret fails the call", async () => {
    await send(mock.origin, "alice", "POST", "/v1/mcp/external-servers", keyServer("search-two"));
    await send(mock.origin, "alice", "POST", "/v1/mcp/servers/search-two/install", { enabled: true });
    const call = await send(mock.origin, "alice", "POST", "/v1/mcp/tool/call", {
      serverName: "search-two",
      method: "echo",
      args: { text: "x" },
    });
    expect(call.status).toBe(500);
    expect(String(body(call)["message"])).toContain("API_KEY");
  });

  test("oauth start builds the authorization url", async () => {
    const started = body(
      await send(mock.origin, "alice", "POST", "/v1/mcp/servers/notes/oauth/start", { scopes: ["read"] }),
    );
    const url = new URL(String(started["authorizationUrl"]));
    expect(`${url.origin}${url.pathname}`).toBe("https://mcp.example.com/authorize");
    expect(url.searchParams.get("response_type")).toBe("code");
    expect(url.searchParams.get("client_id")).toBe(`${mock.origin}/.well-known/oauth/client-metadata.json`);
    expect(url.searchParams.get("redirect_uri")).toBe(`${mock.origin}/webhooks/oauth/callback`);
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get("state")).toMatch(/^st_/);
    expect(url.searchParams.get("scope")).toBe("read");
    expect(url.searchParams.get("resource")).toBe("https://mcp.example.com/mcp");
    expect(url.searchParams.get("prompt")).toBe("consent");
    expect(started["callbackUrl"]).toBe(`${mock.origin}/webhooks/oauth/callback`);
    expect(started["webhookId"]).toMatch(/^wh_oauth_/);
  });

  test("oauth states differ per start", async () => {
    const first = new URL(
      String(
        body(await send(mock.origin, "alice", "POST", "/v1/mcp/servers/notes/oauth/start"))[
          "authorizationUrl"
        ],
      ),
    );
    const second = new URL(
      String(
        body(await send(mock.origin, "alice", "POST", "/v1/mcp/servers/notes/oauth/start"))[
          "authorizationUrl"
        ],
      ),
    );
    expect(first.searchParams.get("state")).not.toBe(second.searchParams.get("state"));
    expect(first.searchParams.get("code_challenge")).not.toBe(second.searchParams.get("code_challenge"));
  });

  test("completed authorization connects", async () => {
    await send(mock.origin, "alice", "POST", "/v1/mcp/servers/notes/install", { enabled: true });
    const started = body(await send(mock.origin, "alice", "POST", "/v1/mcp/servers/notes/oauth/start"));
    const state = new URL(String(started["authorizationUrl"])).searchParams.get("state") ?? "";
    const completed = completeAuthorization(mock.deployment.store, state, "code-0001", Date.now());
    expect(completed?.account.username).toBe("alice");
    expect(completeAuthorization(mock.deployment.store, state, "code-0001", Date.now())).toBeUndefined();

    const read = server(await send(mock.origin, "alice", "GET", "/v1/mcp/servers/notes"));
    expect(read["authState"]).toBe("connected");
    expect(read["status"]).toBe("connected");
    const call = await send(mock.origin, "alice", "POST", "/v1/mcp/tool/call", {
      serverName: "notes",
      method: "echo",
      args: { text: "hello" },
    });
    expect(call.status).toBe(200);
    expect((body(call)["data"] as Record<string, unknown>)["content"]).toBe("hello");
  });

  test("oauth callback completes authorization", async () => {
    await send(mock.origin, "alice", "POST", "/v1/mcp/external-servers", oauthServer("notes-callback"));
    await send(mock.origin, "alice", "POST", "/v1/mcp/servers/notes-callback/install", { enabled: true });
    const started = body(
      await send(mock.origin, "alice", "POST", "/v1/mcp/servers/notes-callback/oauth/start"),
    );
    const authorization = new URL(String(started["authorizationUrl"]));
    const redirect = new URL(authorization.searchParams.get("redirect_uri") ?? "");
    redirect.searchParams.set("code", "code-from-provider");
    redirect.searchParams.set("state", authorization.searchParams.get("state") ?? "");

    const callback = await fetch(redirect, {
      headers: { accept: "application/json" },
      signal: AbortSignal.timeout(10_000),
    });
    expect(callback.status).toBe(200);
    const read = server(await send(mock.origin, "alice", "GET", "/v1/mcp/servers/notes-callback"));
    expect(read["authState"]).toBe("connected");
  });

  test.each([
    [
      "dcr",
      {
        ...NOTES_TEMPLATE,
        registrationMode: "dcr",
        registrationEndpoint: "https://mcp.example.com/register",
      },
      {},
      /^dcr_/,
    ],
    [
      "manual",
      { ...NOTES_TEMPLATE, registrationMode: "manual" },
      { clientId: "client-from-body" },
      /^client-from-body$/,
    ],
  ])("%s client id", async (mode, template, request, clientId) => {
    await send(
      mock.origin,
      "alice",
      "POST",
      "/v1/mcp/external-servers",
      oauthServer(`notes-${mode}`, template),
    );
    const started = body(
      await send(mock.origin, "alice", "POST", `/v1/mcp/servers/notes-${mode}/oauth/start`, request),
    );
    expect(new URL(String(started["authorizationUrl"])).searchParams.get("client_id")).toMatch(clientId);
  });

  test.each([
    ["dcr without endpoint", { ...NOTES_TEMPLATE, registrationMode: "dcr" }, {}],
    ["manual without client id", { ...NOTES_TEMPLATE, registrationMode: "manual" }, {}],
    [
      "dcr with client secret",
      { ...NOTES_TEMPLATE, registrationMode: "dcr", registrationEndpoint: "https://x.example.com/r" },
      { clientSecret: "s" },
    ],
  ])("oauth start %s gets 400", async (name, template, request) => {
    const serverName = `bad-${name.replaceAll(" ", "-")}`;
    await send(mock.origin, "alice", "POST", "/v1/mcp/external-servers", oauthServer(serverName, template));
    const started = await send(
      mock.origin,
      "alice",
      "POST",
      `/v1/mcp/servers/${serverName}/oauth/start`,
      request,
    );
    expect(started.status).toBe(400);
    expect(failuresOf("startMcpServerOAuth", started)).toEqual([]);
  });

  test.each([
    ["cimd", "https://mcp.example.com/mcp", "cimd"],
    ["dcr", "https://tasks.dcr.example.com/mcp", "dcr"],
    ["manual", "https://crm.manual.example.com/mcp", "manual"],
  ])("discovery recommends %s", async (_name, url, mode) => {
    const discovered = body(
      await send(mock.origin, "alice", "POST", "/v1/mcp/external-servers/discover", { url }),
    );
    expect(discovered["recommendedRegistrationMode"]).toBe(mode);
  });

  test("discovery follows well-known paths", async () => {
    const discovered = body(
      await send(mock.origin, "alice", "POST", "/v1/mcp/external-servers/discover", {
        url: "https://mcp.example.com/mcp",
      }),
    );
    expect(discovered["resourceMetadataUrl"]).toBe(
      "https://mcp.example.com/.well-known/oauth-protected-resource/mcp",
    );
    expect(discovered["discoverySource"]).toBe("prm");
    const servers = discovered["authorizationServers"] as Record<string, unknown>[];
    expect(servers[0]?.["authorizationServerMetadataUrl"]).toBe(
      "https://mcp.example.com/.well-known/oauth-authorization-server",
    );
  });

  test("client metadata names the origin", async () => {
    const document = body(await send(mock.origin, "none", "GET", "/.well-known/oauth/client-metadata.json"));
    expect(document["client_id"]).toBe(`${mock.origin}/.well-known/oauth/client-metadata.json`);
    expect(document["redirect_uris"]).toEqual([`${mock.origin}/webhooks/oauth/callback`]);
    expect(document["token_endpoint_auth_method"]).toBe("none");
  });

  test.each([[{ location: "Paris" }, /^Paris: -?\d+ °C, [a-z ]+$/]])(
    "weather of %o",
    async (args, pattern) => {
      const first = await send(mock.origin, "bob", "POST", "/v1/mcp/tool/call", {
        serverName: "weather-server",
        method: "weather",
        args,
      });
      const second = await send(mock.origin, "bob", "POST", "/v1/mcp/tool/call", {
        serverName: "weather-server",
        method: "weather",
        args,
      });
      expect((body(first)["data"] as Record<string, unknown>)["content"]).toMatch(pattern);
      expect(second.text).toBe(first.text);
    },
  );

  test("tools callable by other areas", async () => {
    const store = mock.deployment.store;
    const alice = store.findAccountByUsername("alice");
    if (alice === undefined) throw new Error("alice is not seeded");
    const callable = store.slot(alice, CALLABLE_MCP_TOOLS);
    expect(callable.has(mcpToolKey("weather-server", "weather"))).toBe(true);
    expect(callable.has(mcpToolKey("notes", "echo"))).toBe(true);

    const product = callable.get(mcpToolKey("calculator-server", "calculator"))?.({ expression: "6 * 7" });
    expect(product).toEqual({
      ok: true,
      result: { success: true, data: { content: "6 * 7 = 42", contentType: "text/plain" } },
    });
    const notInstalled = callable.get(mcpToolKey("search-two", "echo"))?.({ text: "x" });
    expect(notInstalled?.ok).toBe(false);
  });

  test("calculator evaluates", async () => {
    const call = await send(mock.origin, "bob", "POST", "/v1/mcp/tool/call", {
      serverName: "calculator-server",
      method: "calculator",
      args: { expression: "(2 + 3) * 4 - 6 / 3" },
    });
    expect((body(call)["data"] as Record<string, unknown>)["content"]).toBe("(2 + 3) * 4 - 6 / 3 = 18");
  });
});

describe("mcp server namespacing", () => {
  let mock: RunningMock;

  beforeAll(async () => {
    mock = await startMock();
    await send(mock.origin, "alice", "POST", "/v1/mcp/external-servers", keyServer("alice-search"));
    await send(mock.origin, "alice", "POST", "/v1/mcp/servers/alice-search/install", { enabled: true });
  });

  afterAll(async () => {
    await mock.close();
  });

  test("list hides other accounts", async () => {
    const list = body(await send(mock.origin, "bob", "GET", "/v1/mcp/servers"))["servers"] as Record<
      string,
      unknown
    >[];
    expect(list.map((entry) => entry["name"])).not.toContain("alice-search");
  });

  test.each([
    ["get", "GET", "/v1/mcp/servers/alice-search", undefined],
    ["tools", "GET", "/v1/mcp/servers/alice-search/tools", undefined],
    ["install", "POST", "/v1/mcp/servers/alice-search/install", { enabled: false }],
    ["uninstall", "DELETE", "/v1/mcp/servers/alice-search/install", undefined],
    [
      "secrets",
      "POST",
      "/v1/mcp/servers/alice-search/secrets",
      { secrets: [{ name: "API_KEY", value: "bob-value" }] },
    ],
    ["oauth start", "POST", "/v1/mcp/servers/alice-search/oauth/start", {}],
    ["refresh", "POST", "/v1/mcp/servers/alice-search/refresh", undefined],
    [
      "tool call",
      "POST",
      "/v1/mcp/tool/call",
      { serverName: "alice-search", method: "echo", args: { text: "x" } },
    ],
  ])("bob gets 404 on %s", async (_name, method, path, json) => {
    expect((await send(mock.origin, "bob", method, path, json)).status).toBe(404);
  });

  test("alice keeps her install", async () => {
    expect(server(await send(mock.origin, "alice", "GET", "/v1/mcp/servers/alice-search"))["installed"]).toBe(
      true,
    );
  });

  test("same name per account", async () => {
    const registered = await send(
      mock.origin,
      "bob",
      "POST",
      "/v1/mcp/external-servers",
      oauthServer("alice-search"),
    );
    expect(registered.status).toBe(200);
    expect(server(await send(mock.origin, "alice", "GET", "/v1/mcp/servers/alice-search"))["authMode"]).toBe(
      "none",
    );
  });
});

describe("mcp server adapters", () => {
  const MSW_ORIGIN = "http://127.0.0.1:4998";
  let msw: MswDeployment;
  let httpMock: RunningMock;

  beforeAll(async () => {
    httpMock = await startMock();
    msw = await startMswDeployment(MSW_ORIGIN);
  });

  afterAll(async () => {
    msw.close();
    await httpMock.close();
  });

  /** Replaces the origin each adapter reports, the only value that may differ between them. */
  function comparable(exchange: MockExchange, origin: string): string {
    return exchange.text.replaceAll(origin, "<origin>").replaceAll(encodeURIComponent(origin), "<origin>");
  }

  // The cases run in order on both deployments, so their stores and id sequences stay in step.
  test.each(OPERATION_CASES.map((testCase) => [testCase.name, testCase] as const))(
    "%s answers alike",
    async (_name, testCase) => {
      const overHttp = await send(
        httpMock.origin,
        testCase.caller,
        testCase.method,
        testCase.path,
        testCase.json,
      );
      const inProcess = await send(
        MSW_ORIGIN,
        testCase.caller,
        testCase.method,
        testCase.path,
        testCase.json,
      );
      expect(inProcess.status).toBe(overHttp.status);
      expect(inProcess.contentType).toBe(overHttp.contentType);
      // msw requests carry no Host header, so the in-process deployment names the spec's server URL.
      expect(comparable(inProcess, "http://127.0.0.1:4010")).toBe(comparable(overHttp, httpMock.origin));
    },
  );
});

describe("arithmetic of the calculator tool", () => {
  test.each([
    ["1 + 2 * 3", 7],
    ["(1 + 2) * 3", 9],
    ["-4 + 10 / 4", -1.5],
    ["7 % 4", 3],
    ["--2", 2],
    [".5 * 4", 2],
  ])("%s is %d", (expression, expected) => {
    expect(evaluateArithmetic(expression)).toBe(expected);
  });

  test.each(["", "1 +", "(1", "2 ** 3", "1 / 0", "alert(1)"])("%j is rejected", (expression) => {
    expect(() => evaluateArithmetic(expression)).toThrow(ToolExecutionError);
  });
});

/** For each MCP fault, a probe that returns true when the documented rule was broken. */
const PROBES: Readonly<Record<string, (mock: RunningMock) => Promise<boolean>>> = {
  "mcp-secret-value-returned": async (mock) => {
    await send(mock.origin, "alice", "POST", "/v1/mcp/external-servers", keyServer("search"));
    await send(mock.origin, "alice", "POST", "/v1/mcp/servers/search/secrets", {
      secrets: [{ name: "API_KEY", value: SECRET_VALUE }],
    });
    return (await send(mock.origin, "alice", "GET", "/v1/mcp/servers/search")).text.includes(SECRET_VALUE);
  },
  "mcp-client-secret-returned": async (mock) =>
    (await send(mock.origin, "alice", "POST", "/v1/mcp/external-servers", keyServer("search"))).text.includes(
      "search-client-secret-0001",
    ),
  "mcp-servers-listed-across-accounts": async (mock) => {
    await send(mock.origin, "alice", "POST", "/v1/mcp/external-servers", keyServer("alice-only"));
    return (await send(mock.origin, "bob", "GET", "/v1/mcp/servers")).text.includes("alice-only");
  },
  "mcp-tool-call-on-disabled-server-accepted": async (mock) => {
    await send(mock.origin, "alice", "PUT", "/v1/mcp/servers/weather-server/install", { enabled: false });
    const call = await send(mock.origin, "alice", "POST", "/v1/mcp/tool/call", {
      serverName: "weather-server",
      method: "weather",
      args: { location: "Oslo" },
    });
    return call.status !== 409;
  },
  "mcp-client-metadata-requires-key": async (mock) =>
    (await send(mock.origin, "none", "GET", "/.well-known/oauth/client-metadata.json")).status !== 200,
  "mcp-client-metadata-served-as-text": async (mock) =>
    !(
      await send(mock.origin, "none", "GET", "/.well-known/oauth/client-metadata.json")
    ).contentType.startsWith("application/json"),
};

describe("mcp server faults", () => {
  test("every fault has a probe", () => {
    expect(Object.keys(PROBES).sort()).toEqual(faultNamesOf("mcp-servers"));
  });

  test.each(Object.entries(PROBES))("%s breaks its rule", async (name, probe) => {
    await expectProbeBreaksRule(name, probe);
  });

  test("client-secret fault fails the schema", async () => {
    const registered = await withMock({ faults: ["mcp-client-secret-returned"] }, (mock) =>
      send(mock.origin, "alice", "POST", "/v1/mcp/external-servers", keyServer("search")),
    );
    expect(failuresOf("registerExternalMcpServer", registered)).not.toEqual([]);
  });
});
