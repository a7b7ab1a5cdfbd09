import { CHAT_AGENTS, type ChatAgentRecord } from "../../../src/mock/agent-directory.ts";
import { FAILING_PROVIDER_MODEL, MODELS } from "../../../src/mock/areas/models/model-records.ts";
import type { MockDeployment } from "../../../src/mock/deployment.ts";

/** The agents the workflow tests name, seeded straight into the agent directory. */
export const TEST_AGENTS = {
  synthesizer: {
    id: "agt_synth",
    name: "synthesizer",
    slug: "synthesizer",
    modelName: "msq-mock-chat",
    published: false,
    sharedWith: [],
  },
  researcher: {
    id: "agt_research",
    name: "researcher",
    slug: "researcher",
    modelName: "msq-mock-chat",
    published: false,
    sharedWith: [],
  },
  /** Runs on the `flaky` model, whose provider fails mid-stream. */
  flaky: {
    id: "agt_flaky",
    name: "flaky",
    slug: "flaky",
    modelName: "flaky",
    published: false,
    sharedWith: [],
  },
} satisfies Record<string, ChatAgentRecord>;

/** An agent of bob, published and shared with alice only. */
export const BOB_SHARED_AGENT: ChatAgentRecord = {
  id: "agt_bob_editor",
  name: "editor",
  slug: "editor",
  modelName: "msq-mock-chat",
  published: true,
  sharedWith: [{ username: "alice" }],
};

/**
 * Seeds the test agents into alice's directory and bob's shared agent, plus alice's `flaky` model
 * on the mock's failing provider, which the flaky agent runs on.
 */
export function seedWorkflowAgents(deployment: MockDeployment): void {
  const store = deployment.store;
  const alice = store.findAccountByUsername("alice");
  const bob = store.findAccountByUsername("bob");
  if (alice === undefined || bob === undefined)
    throw new Error("The seeded accounts alice and bob are missing.");
  for (const agent of Object.values(TEST_AGENTS)) store.slot(alice, CHAT_AGENTS).set(agent.name, agent);
  store.slot(bob, CHAT_AGENTS).set(BOB_SHARED_AGENT.name, BOB_SHARED_AGENT);
  store.slot(alice, MODELS).set("flaky", {
    name: "flaky",
    description: "Fails mid-stream",
    providerKey: "openai",
    model: FAILING_PROVIDER_MODEL,
    embedding: false,
    programmaticToolCalling: false,
  });
}
