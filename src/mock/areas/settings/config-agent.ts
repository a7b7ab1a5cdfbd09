import type { OperationContext } from "../../area.ts";
import { jsonResponse, type MockResponse } from "../../mock-response.ts";
import {
  InvalidRequestError,
  optionalObject,
  optionalString,
  requireBodyObject,
  requiredString,
} from "../../request-fields.ts";
import { fnv1a32 } from "../../seeded-random.ts";
import {
  AGENTS,
  DEFAULT_TIMEZONE_OFFSET,
  findAgent,
  syncChatAgent,
  type AgentRecord,
} from "../agents/agent-records.ts";
import { parseModelMessageRecords } from "../agents/model-message-records.ts";
import { PROVIDERS, findProvider } from "../providers/provider-records.ts";
import { SETTINGS_FAULTS } from "./settings-faults.ts";
import {
  CONFIG_AGENT_CHAT,
  CONFIG_AGENT_MODELS,
  CONFIG_AGENT_NAME,
  CONFIG_AGENT_PROVIDER,
  USER_SETTINGS,
} from "./settings-records.ts";

/**
 * Reports the config agent: provisioned when the account has the agent, ready when the provider
 * it runs on is still configured (the mock's MCP tools are always available).
 */
export function getConfigAgentStatus(context: OperationContext): MockResponse {
  const { store, account } = context;
  const provisioned = findAgent(store, account, CONFIG_AGENT_NAME) !== undefined;
  const providerKey = store.slot(account, CONFIG_AGENT_PROVIDER).providerKey;
  const ready =
    provisioned && providerKey !== undefined && findProvider(store, account, providerKey) !== undefined;
  const availableProviders = [...store.slot(account, PROVIDERS).values()].flatMap((provider) => {
    const modelName = CONFIG_AGENT_MODELS[provider.providerKey];
    return modelName === undefined ? [] : [{ providerKey: provider.providerKey, modelName }];
  });
  return jsonResponse(200, {
    provisioned,
    agentName: provisioned ? CONFIG_AGENT_NAME : null,
    ready,
    availableProviders,
  });
}

/** Creates the config agent on a configured provider and selects it in the account's settings. */
export function provisionConfigAgent(context: OperationContext): MockResponse {
  const body = requireBodyObject(context.request.json);
  const providerKey = requiredString(body, "providerKey");
  const { store, account } = context;
  if (findProvider(store, account, providerKey) === undefined) {
    throw new InvalidRequestError(
      `Provider ${providerKey} is not configured for this account; ` +
        "add it with POST /v1/core/add/provider first.",
      "providerKey",
    );
  }
  const modelName = CONFIG_AGENT_MODELS[providerKey];
  if (modelName === undefined) {
    throw new InvalidRequestError(
      `Provider ${providerKey} cannot run the config agent; ` +
        `use one of ${Object.keys(CONFIG_AGENT_MODELS).join(", ")}.`,
      "providerKey",
    );
  }
  const existing = findAgent(store, account, CONFIG_AGENT_NAME);
  if (existing !== undefined && !context.faults.has(SETTINGS_FAULTS.duplicateProvisionAccepted)) {
    return context.error(
      409,
      "This account already has a config agent. Check it with GET /v1/core/config-agent/status.",
    );
  }

  const agent: AgentRecord = {
    id: existing?.id ?? store.nextId("agt"),
    config: {
      name: CONFIG_AGENT_NAME,
      description: "Manages this account's MissionSquad configuration through MCP tools",
      systemPrompt: "You manage the account's models, agents, providers and workflows.",
      modelId: `mdl_${fnv1a32(`${providerKey}/${modelName}`).toString(36)}`,
      addToday: true,
      timezoneOffset: DEFAULT_TIMEZONE_OFFSET,
    },
    modelName,
    utility: true,
    publish: undefined,
    shares: [],
    lingeringShares: [],
  };
  store.slot(account, AGENTS).set(CONFIG_AGENT_NAME, agent);
  syncChatAgent(store, account, agent);
  store.slot(account, CONFIG_AGENT_PROVIDER).providerKey = providerKey;
  const settings = store.slot(account, USER_SETTINGS);
  settings.utilityAgents.configAgent = CONFIG_AGENT_NAME;
  settings.updatedAt = context.request.receivedAtEpochMs;
  return jsonResponse(200, { success: true, message: "Config agent provisioned successfully" });
}

export function getConfigAgentChat(context: OperationContext): MockResponse {
  const chat = context.store.slot(context.account, CONFIG_AGENT_CHAT);
  return jsonResponse(200, {
    success: true,
    id: chat.id,
    messages: chat.messages,
    ...(chat.providerState === undefined ? {} : { providerState: chat.providerState }),
  });
}

/** Saves the conversation. Without `id` it keeps the current conversation's id, or starts a new one. */
export function saveConfigAgentChat(context: OperationContext): MockResponse {
  const body = requireBodyObject(context.request.json);
  const messages = parseModelMessageRecords(body["messages"], "messages");
  const id = optionalString(body, "id");
  const providerState = optionalObject(body, "providerState");
  const chat = context.store.slot(context.account, CONFIG_AGENT_CHAT);
  chat.id = id === undefined || id === "" ? (chat.id ?? context.store.nextId("cfgchat")) : id;
  chat.messages = messages;
  chat.providerState = providerState;
  return jsonResponse(200, { success: true, id: chat.id });
}

/** Starts an empty conversation under a new id. */
export function createConfigAgentChat(context: OperationContext): MockResponse {
  const chat = context.store.slot(context.account, CONFIG_AGENT_CHAT);
  chat.id = context.store.nextId("cfgchat");
  chat.messages = [];
  chat.providerState = undefined;
  return jsonResponse(200, { success: true, id: chat.id });
}
