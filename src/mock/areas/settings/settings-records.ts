import { defineAccountSlot, type Account, type MockStore } from "../../store.ts";

/** The agents an account chose for its utilities, where null selects none. */
export interface UtilityAgents {
  titleAgent: string | null;
  configAgent: string | null;
}

/** An account's stored settings. `updatedAt` is undefined until the first update. */
export interface UserSettingsRecord {
  readonly utilityAgents: UtilityAgents;
  updatedAt: number | undefined;
}

/** Each account's settings, the documented defaults until the account changes them. */
export const USER_SETTINGS = defineAccountSlot<UserSettingsRecord>("user-settings", () => ({
  utilityAgents: { titleAgent: null, configAgent: null },
  updatedAt: undefined,
}));

/** Returns the agent that titles an account's saved chat sessions, or null when none is chosen. */
export function titleAgentOf(store: MockStore, account: Account): string | null {
  return store.slot(account, USER_SETTINGS).utilityAgents.titleAgent;
}

/** The saved conversation of an account with its config agent. */
export interface ConfigAgentChatRecord {
  id: string | null;
  messages: readonly unknown[];
  providerState: Readonly<Record<string, unknown>> | undefined;
}

export const CONFIG_AGENT_CHAT = defineAccountSlot<ConfigAgentChatRecord>("config-agent-chat", () => ({
  id: null,
  messages: [],
  providerState: undefined,
}));

/** Name of the config agent that provisioning creates in the account's agents. */
export const CONFIG_AGENT_NAME = "msq-config-agent";

/** The provider an account's config agent was provisioned on. */
export const CONFIG_AGENT_PROVIDER = defineAccountSlot<{ providerKey: string | undefined }>(
  "config-agent-provider",
  () => ({
    providerKey: undefined,
  }),
);

/**
 * The model the config agent runs on for each provider that can back it.
 * NOTE: the reference pages name no models for the config agent, so these are estimates.
 */
export const CONFIG_AGENT_MODELS: Readonly<Record<string, string>> = {
  openai: "gpt-4o",
  anthropic: "claude-sonnet-4-5",
  google: "gemini-2.5-pro",
  groq: "llama-3.3-70b-versatile",
};
