import { fileTypeFromBuffer } from "file-type";
import { describe, expect, test } from "vitest";
import { createFaultRegistry } from "../../src/mock/deployment.ts";
import { AgentsClient, USER_MESSAGE, body, eventKinds, listOf, speechAudio } from "./agents-client.ts";
import { expectProbeBreaksRule, faultNamesOf } from "./support/fault-probes.ts";

/** Creates alice's published agent `shared-agent` and shares it with bob, editable. */
async function sharedAgent(client: AgentsClient): Promise<string> {
  const { slug } = await client.publishedAgent("alice", "shared-agent");
  await client.share("alice", slug, "bob", true);
  return `/v1/public/agent/alice/${slug}`;
}

const speak = (client: AgentsClient, format = "wav") =>
  client.call("alice", "streamAgentSpeech", "POST", "/v1/core/agent/speak", {
    name: "speaker",
    messages: USER_MESSAGE,
    ttsOverrides: { responseFormat: format },
  });

async function speakerStream(client: AgentsClient, format?: string) {
  await client.createAgent("alice", "speaker");
  return speak(client, format);
}

/**
 * For each fault of the agents, public-agents and settings areas: a probe that sends requests and
 * returns true when the documented rule was broken. Each probe runs on a fresh mock without the
 * fault (where it must return false) and on one with it (where it must return true).
 */
const PROBES: Readonly<Record<string, (client: AgentsClient) => Promise<boolean>>> = {
  "agents-listed-across-accounts": async (client) => {
    await client.createAgent("alice", "alice-only");
    const list = body(await client.call("bob", "listAgents", "GET", "/v1/core/agents"))["data"] as Record<
      string,
      unknown
    >;
    return list["alice-only"] !== undefined;
  },
  "agent-duplicate-saved-without-overwrite": async (client) => {
    await client.createAgent("alice", "twice");
    return (await client.createAgent("alice", "twice")).status === 200;
  },
  "agent-list-as-array": async (client) => {
    await client.createAgent("alice", "listed");
    return Array.isArray(body(await client.call("alice", "listAgents", "GET", "/v1/core/agents"))["data"]);
  },
  "publish-record-without-slug": async (client) => {
    await client.publishedAgent("alice", "published");
    const records = listOf(
      await client.call("alice", "listPublishedAgents", "GET", "/v1/core/agents/published"),
    );
    return records.some((record) => typeof record["slug"] !== "string");
  },
  "agent-shares-not-normalized": async (client) => {
    const { slug } = await client.publishedAgent("alice", "normalized");
    await client.share("alice", slug, "Bob");
    await client.share("alice", slug, "Grace@Example.com");
    const shares = listOf(
      await client.call("alice", "listAgentShares", "GET", `/v1/core/agents/alice/${slug}/shares`),
    );
    return shares.some((share) => String(share["recipient"]) !== String(share["recipient"]).toLowerCase());
  },
  "share-unknown-username-accepted": async (client) => {
    const { slug } = await client.publishedAgent("alice", "unknown-recipient");
    return (await client.share("alice", slug, "nobody")).status === 200;
  },
  "share-of-other-owner-allowed": async (client) => {
    const { slug } = await client.publishedAgent("alice", "not-bobs");
    const shared = await client.call(
      "bob",
      "createAgentShare",
      "POST",
      `/v1/core/agents/alice/${slug}/shares`,
      { recipient: "carol" },
    );
    return shared.status !== 403;
  },
  "shared-agent-reachable-after-revoke": async (client) => {
    const { slug } = await client.publishedAgent("alice", "revoked");
    await client.share("alice", slug, "bob");
    await client.call("alice", "revokeAgentShare", "DELETE", `/v1/core/agents/alice/${slug}/shares`, {
      recipientType: "username",
      recipient: "bob",
    });
    const chat = await client.call("bob", "createChatCompletion", "POST", "/v1/chat/completions", {
      model: `shared/alice/${slug}`,
      messages: USER_MESSAGE,
    });
    return chat.status === 200;
  },
  "shared-config-field-not-editable-accepted": async (client) => {
    await sharedAgent(client);
    const updated = await client.call(
      "bob",
      "updateSharedAgentConfig",
      "PUT",
      "/v1/core/agents/alice/shared-agent/config",
      {
        model: "bob-model",
      },
    );
    return updated.status === 200;
  },
  "owner-voices-key-returned": async (client) => {
    await sharedAgent(client);
    await client.call("alice", "addVoice", "POST", "/v1/core/add/voice", {
      name: "rachel",
      providerKey: "elevenlabs",
      voiceId: "21m00Tcm4TlvDq8ikWAM",
      apiKey: "el-temporary-key-probe-0001",
    });
    const voices = await client.call(
      "bob",
      "listSharedAgentOwnerVoices",
      "GET",
      "/v1/core/agents/alice/shared-agent/owner-voices",
    );
    return voices.text.includes("el-temporary-key-probe-0001");
  },
  "agent-speak-done-missing": async (client) => (await speakerStream(client)).events?.at(-1) !== "[DONE]",
  "agent-speak-audio-before-text": async (client) => {
    const kinds = eventKinds(await speakerStream(client));
    return kinds.indexOf("message_stop") > kinds.indexOf("audio_chunk");
  },
  "agent-speak-audio-header-corrupt": async (client) =>
    (await fileTypeFromBuffer(speechAudio(await speakerStream(client))))?.mime !== "audio/wav",
  "public-agent-forbidden-answered-200": async (client) => {
    const route = await sharedAgent(client);
    return (await client.call("carol", "getPublicAgent", "GET", route)).status === 200;
  },
  "public-session-visible-to-other-viewer": async (client) => {
    const route = await sharedAgent(client);
    await client.share("alice", "shared-agent", "carol");
    await client.call("bob", "savePublicAgentSession", "POST", `${route}/sessions`, {
      id: "bob-session",
      title: "bob",
      createdAt: 1,
      updatedAt: 1,
      messages: [],
    });
    return (
      (await client.call("carol", "getPublicAgentSession", "GET", `${route}/sessions/bob-session`)).status ===
      200
    );
  },
  "public-session-delete-missing-answered-404": async (client) => {
    const route = await sharedAgent(client);
    return (
      (await client.call("bob", "deletePublicAgentSession", "DELETE", `${route}/sessions/missing`)).status ===
      404
    );
  },
  "public-stream-run-id-missing": async (client) => {
    const route = await sharedAgent(client);
    const stream = await client.call("bob", "createPublicAgentChatCompletion", "POST", `${route}/chat`, {
      messages: USER_MESSAGE,
      stream: true,
    });
    return stream.headers["x-run-id"] === undefined;
  },
  "public-speak-run-event-not-first": async (client) => {
    const route = await sharedAgent(client);
    const stream = await client.call("bob", "streamPublicAgentSpeech", "POST", `${route}/speak`, {
      messages: USER_MESSAGE,
    });
    return eventKinds(stream)[0] !== "run";
  },
  "public-chat-stream-done-missing": async (client) => {
    const route = await sharedAgent(client);
    const stream = await client.call("bob", "createPublicAgentChatCompletion", "POST", `${route}/chat`, {
      messages: USER_MESSAGE,
      stream: true,
    });
    return stream.events?.at(-1) !== "[DONE]";
  },
  "public-run-visible-to-other-account": async (client) => {
    const route = await sharedAgent(client);
    const chat = await client.call("bob", "createPublicAgentChatCompletion", "POST", `${route}/chat`, {
      messages: USER_MESSAGE,
    });
    const runId = chat.headers["x-run-id"] ?? "";
    return (await client.call("carol", "getPublicRun", "GET", `/v1/public/runs/${runId}`)).status === 200;
  },
  "settings-empty-string-accepted": async (client) =>
    (
      await client.call("bob", "updateUserSettings", "PUT", "/v1/core/user/settings", {
        utilityAgents: { titleAgent: "" },
      })
    ).status === 200,
  "settings-read-across-accounts": async (client) => {
    const settings = body(await client.call("bob", "getUserSettings", "GET", "/v1/core/user/settings"))[
      "settings"
    ];
    return (settings as Record<string, unknown>)["userId"] !== "usr_bob";
  },
  "config-agent-duplicate-provision-accepted": async (client) => {
    await client.call("bob", "provisionConfigAgent", "POST", "/v1/core/config-agent/provision", {
      providerKey: "openai",
    });
    return (
      (
        await client.call("bob", "provisionConfigAgent", "POST", "/v1/core/config-agent/provision", {
          providerKey: "openai",
        })
      ).status === 200
    );
  },
  "config-agent-ready-without-provision": async (client) =>
    body(await client.call("bob", "getConfigAgentStatus", "GET", "/v1/core/config-agent/status"))["ready"] ===
    true,
};

const OWN_AREAS = new Set(["agents", "public-agents", "settings"]);

describe("agent area faults", () => {
  test("every fault of these areas has a probe", () => {
    expect(Object.keys(PROBES).sort()).toEqual(faultNamesOf(...OWN_AREAS));
  });

  test("the faults cover these rule kinds", () => {
    const kinds = new Set(
      createFaultRegistry()
        .list()
        .filter((fault) => OWN_AREAS.has(fault.area))
        .map((fault) => fault.kind),
    );
    expect([...kinds].sort()).toEqual(
      [
        "auth",
        "binary-content",
        "body-schema",
        "header",
        "masking",
        "namespacing",
        "sse-framing",
        "sse-order",
        "status-code",
      ].sort(),
    );
  });

  test.each(Object.entries(PROBES))("%s breaks its rule", async (name, probe) => {
    await expectProbeBreaksRule(name, (mock) => probe(new AgentsClient(mock.origin)));
  });
});
