import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { seededProviderKey } from "../../src/mock/areas/providers/provider-records.ts";
import { startMock, type RunningMock } from "../../src/mock/server.ts";
import { ValidatorRegistry } from "../../src/validation/validator-registry.ts";
import { AdapterPair, expectAnswersAlike, type PairedCase } from "./support/adapter-pair.ts";
import { CheckedClient } from "./support/checked-client.ts";
import { expectProbeBreaksRule, faultNamesOf } from "./support/fault-probes.ts";
import { jsonBody, jsonData, sendRequest, type Caller } from "./support/mock-exchange.ts";
import { seedWorkflowAgents } from "./support/workflow-agents.ts";

type Json = Record<string, unknown>;

/** The masking rule of the spec's ProviderMaskedApiKey schema. */
const MASKED = /^$|^[^.*•…]{0,8}(\.{3,}|…+|\*{3,}|•{3,})[^.*•…]{0,4}$/;

const PROMPT_REQUEST = {
  model: "msq-mock-chat",
  messages: [
    { role: "system", content: "You write system prompts for agents." },
    { role: "user", content: "Write a prompt for an agent that summarizes PDF files." },
  ],
  name: "pdf-summarizer",
  description: "Summarizes uploaded PDF files",
  type: "agent",
};

/** Builds an external MCP server registration without OAuth or secrets, so it connects once installed. */
function externalServer(name: string): Json {
  return {
    name,
    displayName: "Team Notes",
    description: "Notes over MCP",
    url: "https://notes.example.com/mcp",
    authMode: "none",
    secretFields: [],
    enabled: true,
  };
}

/** Returns the seeded provider key of a seeded account, in clear. */
function providerKeyOf(mock: RunningMock, username: string): string {
  const account = mock.deployment.store.findAccountByUsername(username);
  if (account === undefined) throw new Error(`The seeded account ${username} is missing.`);
  return seededProviderKey(account);
}

let registry: ValidatorRegistry;
let client: CheckedClient;

beforeAll(async () => {
  registry = await ValidatorRegistry.load();
  const mock = await startMock();
  seedWorkflowAgents(mock.deployment);
  client = new CheckedClient(mock, registry);
});

afterAll(async () => {
  await client.mock.close();
});

function generate(json: unknown, caller: Caller = "alice") {
  return client.call(caller, "generatePrompt", "POST", "/v1/core/generate/prompt", json);
}

describe("generate prompt", () => {
  test("writes a prompt from the request", async () => {
    const generated = await generate(PROMPT_REQUEST);
    const text = String(jsonBody(generated)["data"]);
    expect(generated.status).toBe(200);
    expect(text.startsWith("You are pdf-summarizer: Summarizes uploaded PDF files.")).toBe(true);
    expect(jsonBody(generated)["success"]).toBeUndefined();
  });

  test("equal requests get equal prompts", async () => {
    expect(jsonBody(await generate(PROMPT_REQUEST))["data"]).toBe(
      jsonBody(await generate(PROMPT_REQUEST))["data"],
    );
  });

  test("workflow prompts close differently", async () => {
    const agent = String(jsonBody(await generate(PROMPT_REQUEST))["data"]);
    const workflow = String(jsonBody(await generate({ ...PROMPT_REQUEST, type: "workflow" }))["data"]);
    expect(workflow).not.toBe(agent);
  });

  test("records a usage row", async () => {
    await generate(PROMPT_REQUEST, "carol");
    const rows = jsonData<Json[]>(
      await client.call(
        "carol",
        "listUsageRecords",
        "GET",
        "/v1/core/usage/raw?last=1h&modelName=msq-mock-chat",
      ),
    );
    expect(rows.some((row) => String(row["chatId"]).startsWith("prompt_"))).toBe(true);
  });

  test.each([
    ["missing model", { messages: [] }],
    ["unknown model", { ...PROMPT_REQUEST, model: "no-such-model" }],
    ["embedding model", { ...PROMPT_REQUEST, model: "text-embedding-3-small" }],
    ["messages not an array", { ...PROMPT_REQUEST, messages: "hello" }],
    ["unknown role", { ...PROMPT_REQUEST, messages: [{ role: "robot", content: "hi" }] }],
    ["content a number", { ...PROMPT_REQUEST, messages: [{ role: "user", content: 5 }] }],
    ["unknown type", { ...PROMPT_REQUEST, type: "squad" }],
    ["modelOptions not an object", { ...PROMPT_REQUEST, modelOptions: 3 }],
  ])("%s gets 400", async (_name, json) => {
    expect((await generate(json)).status).toBe(400);
  });
});

describe("core config", () => {
  test("masks every key", async () => {
    const config = await client.call("alice", "getCoreConfig", "GET", "/v1/core/config");
    const keys = config.text.match(/"apiKey":"[^"]*"/g) ?? [];
    expect(keys.length).toBeGreaterThan(0);
    for (const entry of keys) expect(JSON.parse(`{${entry}}`).apiKey).toMatch(MASKED);
    expect(config.text).not.toContain(providerKeyOf(client.mock, "alice"));
  });

  test("lists each kind of entry", async () => {
    const config = jsonBody(await client.call("alice", "getCoreConfig", "GET", "/v1/core/config"));
    expect(Object.keys(config["models"] as Json)).toContain("msq-mock-chat");
    expect(Object.keys(config["embeddingModels"] as Json)).toContain("nomic-embed-text-v1.5");
    expect(Object.keys(config["embeddedCollections"] as Json)).toContain("product-docs");
    expect(Object.keys(config["agents"] as Json)).toContain("synthesizer");
  });

  test("excludes other accounts", async () => {
    const config = jsonBody(await client.call("bob", "getCoreConfig", "GET", "/v1/core/config"));
    expect(Object.keys(config["agents"] as Json)).not.toContain("synthesizer");
  });
});

describe("scrape url", () => {
  const scrape = (json: unknown) => client.call("alice", "scrapeUrl", "POST", "/v1/core/scrape-url", json);

  test("returns text derived from the url", async () => {
    const page = jsonBody(await scrape({ url: "https://example.com/pricing" }));
    expect(page["success"]).toBe(true);
    expect(String(page["data"]).split("\n")[0]).toBe("example.com/pricing");
  });

  test("equal urls get equal text", async () => {
    const first = jsonBody(await scrape({ url: "https://example.com/a" }))["data"];
    expect(jsonBody(await scrape({ url: "https://example.com/a" }))["data"]).toBe(first);
    expect(jsonBody(await scrape({ url: "https://example.com/b" }))["data"]).not.toBe(first);
  });

  test.each([
    ["missing url", {}],
    ["url not a url", { url: "example" }],
    ["ftp url", { url: "ftp://example.com/file" }],
    ["relative url", { url: "/pricing" }],
    ["url a number", { url: 42 }],
  ])("%s gets 400", async (_name, json) => {
    expect((await scrape(json)).status).toBe(400);
  });
});

describe("core tools and servers", () => {
  let mock: RunningMock;
  let local: CheckedClient;

  beforeAll(async () => {
    mock = await startMock();
    local = new CheckedClient(mock, registry);
  });

  afterAll(async () => {
    await mock.close();
  });

  const serverNames = async (caller: Caller): Promise<unknown[]> =>
    (
      jsonBody(await local.call(caller, "listCoreServers", "GET", "/v1/core/servers"))["servers"] as Json[]
    ).map((server) => server["name"]);
  const toolServers = async (caller: Caller): Promise<string[]> =>
    (jsonBody(await local.call(caller, "listCoreTools", "GET", "/v1/core/tools"))["tools"] as Json[]).flatMap(
      (group) => Object.keys(group),
    );

  test("platform servers are listed", async () => {
    expect(await serverNames("carol")).toEqual(["weather-server", "calculator-server"]);
  });

  test("tools are grouped by server", async () => {
    const tools = jsonBody(await local.call("carol", "listCoreTools", "GET", "/v1/core/tools"))[
      "tools"
    ] as Json[];
    const weather = tools.find((group) => "weather-server" in group)?.["weather-server"] as Json[];
    expect(weather.map((tool) => tool["name"])).toEqual(["weather"]);
  });

  test("external server needs an install", async () => {
    await sendRequest(mock.origin, "alice", "POST", "/v1/mcp/external-servers", externalServer("team-notes"));
    expect(await serverNames("alice")).not.toContain("team-notes");

    await sendRequest(mock.origin, "alice", "PUT", "/v1/mcp/servers/team-notes/install", { enabled: true });
    expect(await serverNames("alice")).toContain("team-notes");
    expect(await toolServers("alice")).toContain("team-notes");
    expect(await serverNames("bob")).not.toContain("team-notes");
  });

  test("disabled servers are hidden", async () => {
    await sendRequest(mock.origin, "bob", "PUT", "/v1/mcp/servers/weather-server/install", {
      enabled: false,
    });
    expect(await serverNames("bob")).toEqual(["calculator-server"]);
    expect(await toolServers("bob")).toEqual(["calculator-server"]);
  });
});

describe("utility adapters", () => {
  const pair = new AdapterPair("http://127.0.0.1:4995");
  const CASES: readonly PairedCase[] = [
    {
      name: "generate prompt",
      caller: "alice",
      method: "POST",
      path: "/v1/core/generate/prompt",
      json: PROMPT_REQUEST,
      expectedStatus: 200,
    },
    { name: "core config", caller: "alice", method: "GET", path: "/v1/core/config", expectedStatus: 200 },
    {
      name: "scrape url",
      caller: "bob",
      method: "POST",
      path: "/v1/core/scrape-url",
      json: { url: "https://example.com/x" },
      expectedStatus: 200,
    },
    {
      name: "scrape invalid url",
      caller: "bob",
      method: "POST",
      path: "/v1/core/scrape-url",
      json: { url: "nope" },
      expectedStatus: 400,
    },
    { name: "tools", caller: "carol", method: "GET", path: "/v1/core/tools", expectedStatus: 200 },
    { name: "servers", caller: "carol", method: "GET", path: "/v1/core/servers", expectedStatus: 200 },
  ];

  beforeAll(async () => {
    await pair.start(seedWorkflowAgents);
  });

  afterAll(async () => {
    await pair.close();
  });

  test.each(CASES.map((testCase) => [testCase.name, testCase] as const))(
    "%s answers alike",
    async (_name, testCase) => {
      const [overHttp, inProcess] = await pair.send(testCase);
      expectAnswersAlike(overHttp, inProcess, testCase.expectedStatus);
    },
  );
});

/** For each utility fault, a probe that returns true when the documented rule was broken. */
const PROBES: Readonly<Record<string, (mock: RunningMock) => Promise<boolean>>> = {
  "core-config-key-unmasked": async (mock) => {
    const config = await sendRequest(mock.origin, "alice", "GET", "/v1/core/config");
    return config.text.includes(providerKeyOf(mock, "alice"));
  },
  "core-servers-disabled-listed": async (mock) => {
    await sendRequest(mock.origin, "alice", "PUT", "/v1/mcp/servers/weather-server/install", {
      enabled: false,
    });
    const servers = jsonBody(await sendRequest(mock.origin, "alice", "GET", "/v1/core/servers"))[
      "servers"
    ] as Json[];
    return servers.some((server) => server["enabled"] !== true);
  },
  "scrape-url-invalid-accepted": async (mock) =>
    (await sendRequest(mock.origin, "alice", "POST", "/v1/core/scrape-url", { url: "not a url" })).status !==
    400,
};

describe("utility faults", () => {
  test("every utility fault has a probe", () => {
    expect(Object.keys(PROBES).sort()).toEqual(faultNamesOf("utilities"));
  });

  test.each(Object.entries(PROBES))("%s breaks its rule", async (name, probe) => {
    await expectProbeBreaksRule(name, probe);
  });
});
