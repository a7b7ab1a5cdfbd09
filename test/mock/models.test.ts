import { describe, expect, test } from "vitest";
import { MASKED_KEY_PATTERN, expectProbeBreaksRule, faultNamesOf } from "./support/fault-probes.ts";
import { MockClient, jsonBody } from "./support/mock-exchange.ts";

/** For each model fault, a probe that returns true when the documented rule was broken. */
const PROBES: Readonly<Record<string, (client: MockClient) => Promise<boolean>>> = {
  "add-model-unsupported-embedding-accepted": async (client) =>
    (
      await client.call("alice", "POST", "/v1/core/add/model", {
        name: "big-embed",
        description: "",
        providerKey: "openai",
        model: "text-embedding-3-large",
      })
    ).status === 200,
  "delete-model-not-found-answered-200": async (client) =>
    (await client.call("alice", "POST", "/v1/core/delete/model", { modelId: "missing" })).status === 200,
  "modelmap-key-unmasked": async (client) =>
    Object.values(jsonBody(await client.call("alice", "GET", "/v1/modelmap"))).some(
      (entry) => !MASKED_KEY_PATTERN.test(String((entry as Record<string, unknown>)["apiKey"])),
    ),
  "models-list-object-missing": async (client) =>
    jsonBody(await client.call("alice", "GET", "/v1/models"))["object"] !== "list",
  "models-listed-across-accounts": async (client) => {
    await client.call("alice", "POST", "/v1/core/add/model", {
      name: "alice-only",
      description: "",
      providerKey: "openai",
      model: "gpt-4o",
    });
    const list = jsonBody(await client.call("bob", "GET", "/v1/models"))["data"] as Record<string, unknown>[];
    return list.some((entry) => entry["id"] === "alice-only");
  },
  "models-owned-by-number": async (client) =>
    (jsonBody(await client.call("alice", "GET", "/v1/models"))["data"] as Record<string, unknown>[]).some(
      (entry) => typeof entry["owned_by"] !== "string",
    ),
};

describe("model faults", () => {
  test("every model fault has a probe", () => {
    expect(Object.keys(PROBES).sort()).toEqual(faultNamesOf("models"));
  });

  test.each(Object.entries(PROBES))("%s breaks its rule", async (name, probe) => {
    await expectProbeBreaksRule(name, (mock) => probe(new MockClient(mock)));
  });
});
