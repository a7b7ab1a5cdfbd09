import { describe, expect, test } from "vitest";
import { MASKED_KEY_PATTERN, expectProbeBreaksRule, faultNamesOf } from "./support/fault-probes.ts";
import { MockClient, jsonBody } from "./support/mock-exchange.ts";

/** For each provider fault, a probe that returns true when the documented rule was broken. */
const PROBES: Readonly<Record<string, (client: MockClient) => Promise<boolean>>> = {
  "provider-key-unmasked": async (client) =>
    (
      jsonBody(await client.call("alice", "GET", "/v1/core/providers"))["data"] as Record<string, unknown>[]
    ).some((provider) => !MASKED_KEY_PATTERN.test(String(provider["apiKey"]))),
  "provider-write-status-missing": async (client) =>
    jsonBody(
      await client.call("bob", "POST", "/v1/core/add/provider", {
        providerKey: "groq",
        apiKey: "gsk_bob_provider_key_0001",
      }),
    )["status"] !== "success",
  "providers-listed-across-accounts": async (client) => {
    await client.call("bob", "POST", "/v1/core/add/provider", {
      providerKey: "groq",
      apiKey: "gsk_bob_provider_key_0001",
    });
    const list = jsonBody(await client.call("alice", "GET", "/v1/core/providers"))["data"] as Record<
      string,
      unknown
    >[];
    return list.some((provider) => provider["providerKey"] === "groq");
  },
};

describe("provider faults", () => {
  test("every provider fault has a probe", () => {
    expect(Object.keys(PROBES).sort()).toEqual(faultNamesOf("providers"));
  });

  test.each(Object.entries(PROBES))("%s breaks its rule", async (name, probe) => {
    await expectProbeBreaksRule(name, (mock) => probe(new MockClient(mock)));
  });
});
