import type { TestContext } from "vitest";
import { field } from "./body-fields.ts";
import type { AccountClient } from "./account-client.ts";
import { jsonBody } from "./fixtures.ts";
import type { Harness } from "./harness.ts";
import type { ResourceTracker } from "./resource-tracker.ts";
import { skipChecks, verify, type Coverage } from "./verify.ts";

/** An agent created and published by a test. */
export interface PublishedAgent {
  readonly name: string;
  readonly id: string;
  readonly slug: string;
  /** The owner's username, the `{username}` segment of the share and public routes. */
  readonly owner: string;
}

/**
 * Creates an agent on `model` (tracked for teardown) and returns its name and id. When the target
 * names a TTS provider and voice, the agent gets a saved voice of its own, so the speak routes work.
 */
export async function createTestAgent(
  context: TestContext,
  harness: Harness,
  tracker: ResourceTracker,
  client: AccountClient,
  model: string,
): Promise<{ name: string; id: string }> {
  const name = harness.uniqueName("agent");
  const { ttsProvider, ttsVoice } = harness.target.resources;
  let voice: { savedVoiceName: string; responseFormat: string } | undefined;
  if (ttsProvider !== undefined && ttsVoice !== undefined) {
    const savedVoiceName = harness.uniqueName("agent-voice");
    const saved = await client.call("addVoice", {
      json: { name: savedVoiceName, providerKey: ttsProvider, voiceId: ttsVoice },
    });
    verify(context, harness, saved, { kind: "lifecycle", step: "create", resource: "voice" });
    tracker.track("voice", savedVoiceName, "primary", {
      operationId: "deleteVoice",
      json: { name: savedVoiceName },
    });
    voice = { savedVoiceName, responseFormat: "mp3" };
  }
  const call = await client.call("createAgent", {
    json: {
      name,
      description: "Created by msq-harness contract suites",
      model,
      systemPrompt: "Answer in one short sentence.",
      ...(voice === undefined ? {} : { voice }),
    },
  });
  verify(context, harness, call, { kind: "lifecycle", step: "create", resource: "agent" });
  tracker.track("agent", name, "primary", { operationId: "deleteAgent", json: { name } });
  const id = field(field(jsonBody(call), "data"), "id");
  if (typeof id !== "string") throw new Error(`createAgent returned no data.id for ${name}.`);
  return { name, id };
}

/** Publishes an agent and returns its publish record's slug and owner. */
export async function publishTestAgent(
  context: TestContext,
  harness: Harness,
  agent: { name: string; id: string },
): Promise<PublishedAgent> {
  const call = await harness.primary.call("publishAgent", {
    json: { agentId: agent.id, agentName: agent.name },
  });
  verify(context, harness, call, { kind: "lifecycle", step: "create", resource: "publish record" });
  const record = field(jsonBody(call), "data");
  const slug = field(record, "slug");
  const owner = field(record, "username");
  if (typeof slug !== "string" || typeof owner !== "string") {
    throw new Error(`publishAgent returned no slug or username for ${agent.name}.`);
  }
  return { ...agent, slug, owner };
}

/** Returns the second account's username or e-mail for shares, or skips naming the options that set them. */
export function shareRecipient(context: TestContext, harness: Harness, covers: readonly Coverage[]): string {
  const recipient = harness.target.secondary?.username ?? harness.target.secondary?.email;
  if (recipient !== undefined) return recipient;
  return skipChecks(
    context,
    harness,
    "no username or e-mail of the second account; set --second-username / MSQ_SECOND_USERNAME or --second-email",
    covers,
  );
}
