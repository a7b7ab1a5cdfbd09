import { describe, expect, test } from "vitest";
import { ConfigError } from "../../src/config/config-error.ts";
import type { MockArea } from "../../src/mock/area.ts";
import { authenticate } from "../../src/mock/auth.ts";
import { maskCredential } from "../../src/mock/credential-masking.ts";
import { createFaultRegistry } from "../../src/mock/deployment.ts";
import { FAULT_KINDS, FaultRegistry } from "../../src/mock/fault-registry.ts";
import { jsonResponse } from "../../src/mock/mock-response.ts";
import { RouteConflictError, RouteTable } from "../../src/mock/route-table.ts";
import { SEEDED_ACCOUNTS, SEEDED_LEGACY_KEYS, toAccount } from "../../src/mock/seeded-accounts.ts";
import type { SpecOperation } from "../../src/mock/spec-operations.ts";
import { startMock } from "../../src/mock/server.ts";
import { MockStore } from "../../src/mock/store.ts";
import { expectProbeBreaksRule, faultNamesOf } from "./support/fault-probes.ts";
import { jsonBody, MockClient } from "./support/mock-exchange.ts";

function specOperation(
  operationId: string,
  method: SpecOperation["method"],
  path: string,
  requiresApiKey = true,
): SpecOperation {
  return {
    operationId,
    method,
    path,
    requiresApiKey,
    requestBody: "none",
    statuses: new Set([200]),
    errorFamily: undefined,
  };
}

const ok = () => jsonResponse(200, {});

describe("fault registry", () => {
  const registry = createFaultRegistry();

  test("unknown fault names are rejected with the valid ones", () => {
    const activate = () => registry.activate(["chat-stream-done-mising", "nonsense"], "--fault");
    expect(activate).toThrow(ConfigError);
    expect(activate).toThrow(
      /unknown fault "chat-stream-done-mising" \(did you mean "chat-stream-done-missing"\?\), "nonsense"/,
    );
    expect(activate).toThrow(/Valid faults: .*auth-missing-key-accepted.*voices-listed-across-accounts/);
  });

  test("holds at least 15 faults", () => {
    expect(registry.list().length).toBeGreaterThanOrEqual(15);
  });

  test("covers every kind of rule", () => {
    expect(new Set(registry.list().map((fault) => fault.kind))).toEqual(new Set(FAULT_KINDS));
  });

  test("each fault names the rule it breaks", () => {
    for (const fault of registry.list()) {
      expect(fault.rule, fault.name).toMatch(/^[A-Z].{10,}\.$/);
    }
  });

  test("duplicate names are rejected", () => {
    const fault = { name: "a-fault", area: "x", kind: "auth", rule: "A rule." } as const;
    expect(() => new FaultRegistry([fault, fault])).toThrow(/defined twice/);
  });

  test("hooks apply to their operations only", () => {
    const faults = registry.activate(["models-list-object-missing", "not-found-answered-500"], "test");
    expect(
      faults
        .responseTransforms("listModels")
        .map((fault) => fault.name)
        .sort(),
    ).toEqual(["models-list-object-missing", "not-found-answered-500"]);
    expect(faults.responseTransforms("deleteModel").map((fault) => fault.name)).toEqual([
      "not-found-answered-500",
    ]);
  });
});

describe("authentication", () => {
  const store = new MockStore();
  for (const account of SEEDED_ACCOUNTS) store.addAccount(toAccount(account));
  const none = createFaultRegistry().activate([], "test");
  const alice = SEEDED_ACCOUNTS[0]?.apiKey ?? "";
  const legacy = SEEDED_LEGACY_KEYS["alice"] ?? "";

  test.each([
    ["x-api-key", { "x-api-key": alice }, "alice"],
    ["legacy key in x-api-key", { "x-api-key": legacy }, "alice"],
    ["Bearer msq- key", { authorization: `Bearer ${alice}` }, "alice"],
    ["lowercase bearer scheme", { authorization: `bearer ${alice}` }, "alice"],
    [
      "x-api-key wins over Authorization",
      { "x-api-key": alice, authorization: "Bearer msq-unknown-0000000" },
      "alice",
    ],
    ["Bearer legacy key", { authorization: `Bearer ${legacy}` }, undefined],
    ["Basic scheme", { authorization: `Basic ${alice}` }, undefined],
    ["unknown key", { "x-api-key": "msq-unknown-0000000000" }, undefined],
    ["no key", {}, undefined],
  ])("%s", (_name, headers, username) => {
    expect(authenticate(headers, store, none).account?.username).toBe(username);
  });

  test("failure reasons never contain the key", () => {
    const result = authenticate({ authorization: `Bearer ${legacy}` }, store, none);
    expect(result.account).toBeUndefined();
    expect("reason" in result ? result.reason : "").not.toContain(legacy);
  });
});

describe("route table", () => {
  const area = (operations: MockArea["operations"]): MockArea => ({ name: "test", operations });

  test("static paths win over templates", () => {
    const table = new RouteTable(
      [
        specOperation("getVoice", "GET", "/v1/core/voices/{name}"),
        specOperation("listVoices", "GET", "/v1/core/voices"),
      ],
      [],
    );
    expect(table.match("GET", "/v1/core/voices")?.route.operationId).toBe("listVoices");
    expect(table.match("GET", "/v1/core/voices/")?.route.operationId).toBe("listVoices");
    expect(table.match("GET", "/v1/core/voices/my%20voice")?.params).toEqual({ name: "my voice" });
    expect(table.match("POST", "/v1/core/voices")).toBeUndefined();
    expect(table.match("GET", "/v1/core/voices/a/b")).toBeUndefined();
  });

  test("area path must match the spec", () => {
    const build = () =>
      new RouteTable(
        [specOperation("listModels", "GET", "/v1/models")],
        [area([{ operationId: "listModels", method: "GET", path: "/v1/model", handle: ok }])],
      );
    expect(build).toThrow(RouteConflictError);
  });

  test("area security must match the spec", () => {
    const build = () =>
      new RouteTable(
        [specOperation("triggerWebhook", "POST", "/webhooks/trigger/{webhookId}", false)],
        [
          area([
            {
              operationId: "triggerWebhook",
              method: "POST",
              path: "/webhooks/trigger/{webhookId}",
              handle: ok,
            },
          ]),
        ],
      );
    expect(build).toThrow(/public in the spec/);
  });

  test("operations missing from the spec are still served", () => {
    const table = new RouteTable(
      [],
      [area([{ operationId: "listThings", method: "GET", path: "/v1/things", handle: ok }])],
    );
    expect(table.match("GET", "/v1/things")?.route.inSpec).toBe(false);
  });

  test("spec operations without a handler are routed", () => {
    const table = new RouteTable([specOperation("listAgents", "GET", "/v1/core/agents")], []);
    expect(table.match("GET", "/v1/core/agents")?.route.definition).toBeUndefined();
  });
});

describe("credential masking", () => {
  test.each([
    ["sk-proj-abcdef123456", "sk-...3456"],
    ["short", "***"],
    ["", ""],
    ["...abcdefgh.ijkl", "...ijkl"],
  ])("%s", (key, masked) => {
    expect(maskCredential(key)).toBe(masked);
  });
});

describe("startMock", () => {
  test.each(["0.0.0.0", "192.168.1.5", "example.com", "127.0.0.256"])("rejects host %s", async (host) => {
    await expect(startMock({ host })).rejects.toThrow(/loopback address/);
  });

  test("rejects unknown faults", async () => {
    await expect(startMock({ faults: ["no-such-fault"] })).rejects.toThrow(/unknown fault "no-such-fault"/);
  });

  test("serves on ::1", async () => {
    const mock = await startMock({ host: "::1" });
    try {
      expect(mock.baseUrl).toMatch(/^http:\/\/\[::1\]:\d+\/v1$/);
      const response = await fetch(`${mock.baseUrl}/models`, {
        headers: { "x-api-key": SEEDED_ACCOUNTS[1]?.apiKey ?? "" },
        signal: AbortSignal.timeout(10_000),
      });
      expect(response.status).toBe(200);
    } finally {
      await mock.close();
    }
  });

  test("seeds three accounts", async () => {
    const mock = await startMock();
    try {
      expect(mock.accounts.map((account) => account.username)).toEqual(["alice", "bob", "carol"]);
      expect(mock.accounts.every((account) => account.apiKey.startsWith("msq-"))).toBe(true);
    } finally {
      await mock.close();
    }
  });
});

/** For each authentication and error-body fault, a probe that returns true when the documented rule was broken. */
const PROBES: Readonly<Record<string, (client: MockClient) => Promise<boolean>>> = {
  "auth-bearer-without-msq-prefix-accepted": async (client) =>
    (
      await client.call("none", "GET", "/v1/models", undefined, {
        authorization: `Bearer ${SEEDED_LEGACY_KEYS["alice"]}`,
      })
    ).status === 200,
  "auth-missing-key-accepted": async (client) =>
    (await client.call("none", "GET", "/v1/models")).status === 200,
  "auth-unauthorized-answered-403": async (client) =>
    (await client.call("none", "GET", "/v1/models")).status !== 401,
  "auth-unauthorized-body-without-success": async (client) =>
    jsonBody(await client.call("none", "GET", "/v1/models"))["success"] !== false,
  "error-body-served-as-html": async (client) =>
    !(
      await client.call("alice", "POST", "/v1/core/delete/model", { modelId: "missing" })
    ).contentType.startsWith("application/json"),
  "not-found-answered-500": async (client) =>
    (await client.call("alice", "POST", "/v1/core/delete/model", { modelId: "missing" })).status !== 404,
};

describe("framework faults", () => {
  test("every framework fault has a probe", () => {
    expect(Object.keys(PROBES).sort()).toEqual(faultNamesOf("auth", "common"));
  });

  test.each(Object.entries(PROBES))("%s breaks its rule", async (name, probe) => {
    await expectProbeBreaksRule(name, (mock) => probe(new MockClient(mock)));
  });
});
