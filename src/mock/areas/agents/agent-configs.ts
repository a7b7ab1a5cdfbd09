import type { OperationContext } from "../../area.ts";
import { jsonResponse, type MockResponse } from "../../mock-response.ts";
import {
  InvalidRequestError,
  optionalBoolean,
  optionalNumber,
  optionalString,
  optionalStringList,
  requireBodyObject,
  requiredString,
  type JsonObject,
} from "../../request-fields.ts";
import type { ModelRecord } from "../models/model-records.ts";
import { AGENT_FAULTS } from "./agent-faults.ts";
import {
  optionalEmbeddingOptions,
  optionalModelOptions,
  optionalSelectedFunctions,
  readVoiceSettings,
} from "./agent-fields.ts";
import {
  AGENTS,
  DEFAULT_TIMEZONE_OFFSET,
  PROTECTED_AGENT_NAMES,
  modelIdOf,
  resolveAgentModel,
  syncChatAgent,
  unsyncChatAgent,
  type AgentConfig,
  type AgentModelOptions,
  type AgentRecord,
} from "./agent-records.ts";
import { agentConfigView } from "./agent-views.ts";
import { resolveToolNames } from "./owner-resources.ts";

const TIMEZONE_OFFSET = /^[+-]\d{2}:?\d{2}$/;

export function listAgents(context: OperationContext): MockResponse {
  const owners = context.faults.has(AGENT_FAULTS.listedAcrossAccounts)
    ? context.store.accounts()
    : [context.account];
  const data: Record<string, unknown> = {};
  for (const owner of owners) {
    for (const agent of context.store.slot(owner, AGENTS).values()) {
      data[agent.config.name] = { type: "user-agent", config: agentConfigView(agent) };
    }
  }
  return jsonResponse(200, { data });
}

/**
 * Resolves `systemPromptId`.
 * NOTE: the prompt generation route returns the prompt text and no id, so no documented call
 * yields a `promptId`. The mock therefore treats every id as expired and rejects it with 400.
 */
function resolveSystemPromptId(id: string): never {
  throw new InvalidRequestError(
    `systemPromptId ${JSON.stringify(id)} is unknown or has expired; ` +
      "send the prompt text as systemPrompt instead.",
    "systemPromptId",
  );
}

/** Reads `timezoneOffset`, such as `-0500` or `+05:30`. */
function optionalTimezoneOffset(body: JsonObject): string | undefined {
  const value = optionalString(body, "timezoneOffset");
  if (value !== undefined && !TIMEZONE_OFFSET.test(value)) {
    throw new InvalidRequestError(
      `timezoneOffset must look like -0500 or +05:30, received ${JSON.stringify(value)}.`,
      "timezoneOffset",
    );
  }
  return value;
}

/** Merges `tools` (function names) into `selectedFunctions`. A name that no server offers is invalid. */
function selectedFunctionsOf(
  context: OperationContext,
  body: JsonObject,
): Record<string, string[]> | undefined {
  const explicit = optionalSelectedFunctions(body["selectedFunctions"]);
  const tools = optionalStringList(body["tools"], "tools");
  if (tools === undefined) return explicit;
  const resolved = resolveToolNames(context.store, context.account, tools);
  if (resolved.unknown.length > 0) {
    throw new InvalidRequestError(
      `tools names ${resolved.unknown.join(", ")}, which no MCP server of this account offers. ` +
        "List the tools with GET /v1/core/tools.",
      "tools",
    );
  }
  const merged: Record<string, string[]> = { ...explicit };
  for (const [server, functions] of Object.entries(resolved.selectedFunctions)) {
    merged[server] = [...new Set([...(merged[server] ?? []), ...functions])];
  }
  return merged;
}

/** Finds the agent's model, or undefined so that the caller gets 404. Embedding models are invalid. */
function agentModel(context: OperationContext, reference: string): ModelRecord | undefined {
  const model = resolveAgentModel(context.store, context.account, reference);
  if (model?.embedding === true) {
    throw new InvalidRequestError(
      `${reference} is an embedding model; an agent needs a chat model.`,
      "model",
    );
  }
  return model;
}

function modelNotFound(context: OperationContext, reference: string): MockResponse {
  return context.error(
    404,
    `The model ${reference} is not a model of this account. List the models with GET /v1/models.`,
  );
}

export function createAgent(context: OperationContext): MockResponse {
  const body = requireBodyObject(context.request.json);
  const name = requiredString(body, "name");
  const description = optionalString(body, "description");
  if (description === undefined)
    throw new InvalidRequestError("description is missing; send it as a string.", "description");
  let systemPrompt = optionalString(body, "systemPrompt");
  const systemPromptId = optionalString(body, "systemPromptId");
  if (systemPrompt === undefined && systemPromptId === undefined) {
    throw new InvalidRequestError("systemPrompt is missing; send it, or a systemPromptId.", "systemPrompt");
  }
  const modelReference = requiredString(body, "model");
  const overwrite = optionalBoolean(body, "overwrite") ?? false;
  const previousName = optionalString(body, "previousName");
  const icon = optionalString(body, "icon");
  const addToday = optionalBoolean(body, "addToday") ?? false;
  const timezoneOffset = optionalTimezoneOffset(body) ?? DEFAULT_TIMEZONE_OFFSET;
  const selectedFunctions = selectedFunctionsOf(context, body);
  const modelOptions = optionalModelOptions(body);
  const embeddingOptions = optionalEmbeddingOptions(body);
  const voice =
    body["voice"] === undefined || body["voice"] === null
      ? undefined
      : readVoiceSettings(body["voice"], "voice", false);
  const responseProcessorAgent = optionalString(body, "responseProcessorAgent");
  if (systemPromptId !== undefined) systemPrompt = resolveSystemPromptId(systemPromptId);

  const model = agentModel(context, modelReference);
  if (model === undefined) return modelNotFound(context, modelReference);

  const agents = context.store.slot(context.account, AGENTS);
  const renamed = previousName !== undefined && previousName !== name ? agents.get(previousName) : undefined;
  const existing = agents.get(name);
  const replaceAllowed = overwrite || context.faults.has(AGENT_FAULTS.duplicateSaved);
  if (existing !== undefined && !replaceAllowed) {
    return context.error(409, `An agent named ${name} exists; send overwrite: true to replace it.`);
  }

  const config: AgentConfig = {
    name,
    description,
    systemPrompt: systemPrompt ?? "",
    modelId: modelIdOf(model),
    ...(icon === undefined ? {} : { icon }),
    addToday,
    timezoneOffset,
    ...(selectedFunctions === undefined ? {} : { selectedFunctions }),
    ...(modelOptions === undefined ? {} : { modelOptions }),
    ...(embeddingOptions === undefined ? {} : { embeddingOptions }),
    ...(voice === undefined ? {} : { voice }),
    ...(responseProcessorAgent === undefined ? {} : { responseProcessorAgent }),
  };
  // A rename or an overwrite keeps the agent's id, publish record and shares.
  const previous = renamed ?? existing;
  const record: AgentRecord = {
    id: previous?.id ?? context.store.nextId("agt"),
    config,
    modelName: model.name,
    utility: false,
    publish: previous?.publish,
    shares: previous?.shares ?? [],
    lingeringShares: previous?.lingeringShares ?? [],
  };
  if (renamed !== undefined && previousName !== undefined) agents.delete(previousName);
  agents.set(name, record);
  syncChatAgent(context.store, context.account, record, renamed === undefined ? undefined : previousName);
  return jsonResponse(200, { status: "success", message: "Agent saved", data: agentConfigView(record) });
}

/** Reads the model options of an update, with the deprecated top-level `temperature` and `maxTokens`. */
function updatedModelOptions(
  body: JsonObject,
  current: AgentModelOptions | undefined,
): AgentModelOptions | undefined {
  const options = optionalModelOptions(body);
  const temperature = optionalNumber(body, "temperature");
  const maxTokens = optionalNumber(body, "maxTokens", { minimum: 1, integer: true });
  if (options === undefined && temperature === undefined && maxTokens === undefined) return current;
  return {
    ...current,
    ...(temperature === undefined ? {} : { temperature }),
    ...(maxTokens === undefined ? {} : { maxTokens }),
    ...options,
  };
}

export function updateAgent(context: OperationContext): MockResponse {
  const body = requireBodyObject(context.request.json);
  const name = requiredString(body, "name");
  const description = optionalString(body, "description");
  const icon = optionalString(body, "icon");
  const systemPrompt = optionalString(body, "systemPrompt");
  const systemPromptId = optionalString(body, "systemPromptId");
  const modelReference = optionalString(body, "model");
  const addToday = optionalBoolean(body, "addToday");
  const timezoneOffset = optionalTimezoneOffset(body);
  const selectedFunctions = selectedFunctionsOf(context, body);
  const combineSystemPrompts = optionalBoolean(body, "combineSystemPrompts");
  const convertSystemPrompt = optionalBoolean(body, "convertSystemPrompt");

  const agents = context.store.slot(context.account, AGENTS);
  const agent = agents.get(name);
  if (PROTECTED_AGENT_NAMES.has(name) || agent?.utility === true) {
    return context.error(403, `${name} is a protected utility agent and cannot be modified.`);
  }
  if (agent === undefined) {
    return context.error(
      404,
      `No agent of this account is named ${name}. List the agents with GET /v1/core/agents.`,
    );
  }
  const modelOptions = updatedModelOptions(body, agent.config.modelOptions);
  const prompt = systemPromptId === undefined ? systemPrompt : resolveSystemPromptId(systemPromptId);
  let model: ModelRecord | undefined;
  if (modelReference !== undefined) {
    model = agentModel(context, modelReference);
    if (model === undefined) return modelNotFound(context, modelReference);
  }

  agent.config = {
    ...agent.config,
    ...(description === undefined ? {} : { description }),
    ...(icon === undefined ? {} : { icon }),
    ...(prompt === undefined ? {} : { systemPrompt: prompt }),
    ...(model === undefined ? {} : { modelId: modelIdOf(model) }),
    ...(addToday === undefined ? {} : { addToday }),
    ...(timezoneOffset === undefined ? {} : { timezoneOffset }),
    ...(selectedFunctions === undefined ? {} : { selectedFunctions }),
    ...(modelOptions === undefined ? {} : { modelOptions }),
    ...(combineSystemPrompts === undefined ? {} : { combineSystemPrompts }),
    ...(convertSystemPrompt === undefined ? {} : { convertSystemPrompt }),
  };
  if (model !== undefined) agent.modelName = model.name;
  syncChatAgent(context.store, context.account, agent);
  return jsonResponse(200, { status: "success", message: "Agent updated", data: agentConfigView(agent) });
}

export function deleteAgent(context: OperationContext): MockResponse {
  const body = requireBodyObject(context.request.json);
  const name = requiredString(body, "name");
  if (!context.store.slot(context.account, AGENTS).delete(name)) {
    return context.error(
      404,
      `No agent of this account is named ${name}. List the agents with GET /v1/core/agents.`,
    );
  }
  unsyncChatAgent(context.store, context.account, name);
  return jsonResponse(200, { status: "success", message: "Agent deleted" });
}
