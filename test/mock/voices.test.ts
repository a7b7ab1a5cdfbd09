import { describe, expect, test } from "vitest";
import { expectProbeBreaksRule, faultNamesOf } from "./support/fault-probes.ts";
import { MockClient, jsonBody } from "./support/mock-exchange.ts";

/** For each voice fault, a probe that returns true when the documented rule was broken. */
const PROBES: Readonly<Record<string, (client: MockClient) => Promise<boolean>>> = {
  "voice-duplicate-answered-200": async (client) =>
    (
      await client.call("carol", "POST", "/v1/core/add/voice", {
        name: "narrator",
        providerKey: "openai",
        voiceId: "nova",
      })
    ).status === 200,
  "voice-temporary-key-returned": async (client) => {
    await client.call("carol", "POST", "/v1/core/add/voice", {
      name: "rachel",
      providerKey: "elevenlabs",
      voiceId: "21m00Tcm4TlvDq8ikWAM",
      apiKey: "el-temporary-key-0001",
    });
    return (await client.call("carol", "GET", "/v1/core/voices")).text.includes("el-temporary-key-0001");
  },
  "voices-listed-across-accounts": async (client) => {
    await client.call("carol", "POST", "/v1/core/add/voice", {
      name: "carol-voice",
      providerKey: "openai",
      voiceId: "nova",
    });
    const list = jsonBody(await client.call("alice", "GET", "/v1/core/voices"))["data"] as Record<
      string,
      unknown
    >[];
    return list.some((voice) => voice["name"] === "carol-voice");
  },
};

describe("voice faults", () => {
  test("every voice fault has a probe", () => {
    expect(Object.keys(PROBES).sort()).toEqual(faultNamesOf("voices"));
  });

  test.each(Object.entries(PROBES))("%s breaks its rule", async (name, probe) => {
    await expectProbeBreaksRule(name, (mock) => probe(new MockClient(mock)));
  });
});
