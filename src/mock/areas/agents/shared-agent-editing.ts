import type { OperationContext } from "../../area.ts";
import { jsonResponse, type MockResponse } from "../../mock-response.ts";
import {
  InvalidRequestError,
  optionalBoolean,
  optionalNumber,
  optionalObject,
  optionalString,
  optionalStringList,
  requireBodyObject,
  type JsonObject,
} from "../../request-fields.ts";
import type { Account } from "../../store.ts";
import { canEdit, findAddressedAgent, type AddressedAgent } from "./agent-access.ts";
import { AGENT_FAULTS } from "./agent-faults.ts";
import {
  optionalEmbeddingOptions,
  optionalModelOptions,
  optionalNullableString,
  optionalSelectedFunctions,
  readVoiceSettings,
} from "./agent-fields.ts";
import { DEFAULT_TIMEZONE_OFFSET, syncChatAgent, type AgentConfig } from "./agent-records.ts";
import { agentConfigView } from "./agent-views.ts";
import {
  foreignFunctions,
  ownerEmbeddingModels,
  ownerServers,
  ownerToolGroups,
  ownerVectorStores,
  ownerVoices,
  resolveToolNames,
} from "./owner-resources.ts";

/** Fields only the owner may send to the shared-config route. */
const OWNER_ONLY_FIELDS = [
  "name",
  "model",
  "modelId",
  "responseProcessorAgent",
  "temperature",
  "maxTokens",
] as const;

/**
 * Finds the agent of a shared-config route and checks that the caller is the owner or has an
 * editable share. Returns 404 when the owner or the publish record does not exist, 403 otherwise.
 */
function editableAgentOfRoute(context: OperationContext): AddressedAgent | MockResponse {
  const username = context.request.params["username"] ?? "";
  const slug = context.request.params["slug"] ?? "";
  const addressed = findAddressedAgent(context.store, username, slug);
  if (addressed === undefined) {
    return context.error(404, `No published agent ${username}/${slug} exists.`);
  }
  if (!canEdit(addressed, context.account)) {
    return context.error(403, "Only the owner or a recipient of an editable share may edit this agent.", {
      code: "OWNER_OR_SHARED_EDIT_ONLY",
    });
  }
  return addressed;
}

export function getSharedAgentConfig(context: OperationContext): MockResponse {
  const addressed = editableAgentOfRoute(context);
  if ("kind" in addressed) return addressed;
  return jsonResponse(200, {
    success: true,
    data: agentConfigView(addressed.agent),
    modelName: addressed.agent.modelName,
  });
}

function invalidOwnerResource(context: OperationContext, message: string): MockResponse {
  return context.error(400, message, { code: "INVALID_OWNER_RESOURCE" });
}

/** Reads `toolOptions` into `selectedFunctions`, with the tool names of `systemTools` and `userTools`. */
function toolSelection(
  context: OperationContext,
  owner: Account,
  options: JsonObject,
): { selectedFunctions: Record<string, string[]> } | { foreign: string[] } {
  const explicit =
    optionalSelectedFunctions(options["selectedFunctions"], "toolOptions.selectedFunctions") ?? {};
  const names = [
    ...(optionalStringList(options["systemTools"], "toolOptions.systemTools") ?? []),
    ...(optionalStringList(options["userTools"], "toolOptions.userTools") ?? []),
  ];
  const resolved = resolveToolNames(context.store, owner, names);
  const foreign = [
    ...resolved.unknown.map((name) => `function ${name}`),
    ...foreignFunctions(context.store, owner, explicit),
  ];
  if (foreign.length > 0) return { foreign };
  const selectedFunctions: Record<string, string[]> = { ...explicit };
  for (const [server, functions] of Object.entries(resolved.selectedFunctions)) {
    selectedFunctions[server] = [...new Set([...(selectedFunctions[server] ?? []), ...functions])];
  }
  return { selectedFunctions };
}

/**
 * Updates the owner's agent config from the editable subset, and the model never changes. A
 * caller other than the owner who sends an owner-only field gets 400 FIELD_NOT_EDITABLE. Tools,
 * collections and voices that are not the owner's get 400 INVALID_OWNER_RESOURCE.
 */
export function updateSharedAgentConfig(context: OperationContext): MockResponse {
  const body = requireBodyObject(context.request.json);
  const addressed = editableAgentOfRoute(context);
  if ("kind" in addressed) return addressed;
  const { owner, agent } = addressed;
  const isOwner = owner === context.account;

  if (!isOwner && !context.faults.has(AGENT_FAULTS.fieldNotEditableAccepted)) {
    const field = OWNER_ONLY_FIELDS.find((name) => body[name] !== undefined);
    if (field !== undefined) {
      return context.error(
        400,
        `Field ${field} is not editable by a share recipient; only the owner may change it.`,
        {
          code: "FIELD_NOT_EDITABLE",
        },
      );
    }
  }

  const description = optionalString(body, "description");
  const icon = optionalNullableString(body, "icon");
  const systemPrompt = optionalString(body, "systemPrompt");
  const systemPromptId = optionalString(body, "systemPromptId");
  if (systemPromptId !== undefined) {
    throw new InvalidRequestError(
      `systemPromptId ${JSON.stringify(systemPromptId)} is unknown or has expired; ` +
        "send the prompt text as systemPrompt instead.",
      "systemPromptId",
    );
  }
  const modelOptions = optionalModelOptions(body);
  const addToday = optionalBoolean(body, "addToday");
  const timezoneOffset = optionalString(body, "timezoneOffset");
  const combineSystemPrompts = optionalBoolean(body, "combineSystemPrompts");
  const convertSystemPrompt = optionalBoolean(body, "convertSystemPrompt");
  const toolOptions = optionalObject(body, "toolOptions");
  const embeddingOptions = optionalEmbeddingOptions(body);
  const voiceValue = body["voice"];
  const voice =
    voiceValue === undefined || voiceValue === null
      ? voiceValue
      : readVoiceSettings(voiceValue, "voice", true);
  // Only the owner may set these. A recipient's values were rejected above, or under a fault are ignored.
  const responseProcessorAgent = isOwner ? optionalString(body, "responseProcessorAgent") : undefined;
  const temperature = isOwner ? optionalNumber(body, "temperature") : undefined;
  const maxTokens = isOwner ? optionalNumber(body, "maxTokens", { minimum: 1, integer: true }) : undefined;

  let selectedFunctions: Record<string, string[]> | undefined;
  if (toolOptions !== undefined) {
    const selection = toolSelection(context, owner, toolOptions);
    if ("foreign" in selection) {
      return invalidOwnerResource(
        context,
        `toolOptions name ${selection.foreign.join(", ")}, which the agent's owner does not have.`,
      );
    }
    selectedFunctions = selection.selectedFunctions;
  }
  if (embeddingOptions !== undefined) {
    if (!ownerEmbeddingModels(context.store, owner).some((model) => model.name === embeddingOptions.model)) {
      return invalidOwnerResource(
        context,
        `Embedding model ${embeddingOptions.model} does not belong to the agent owner.`,
      );
    }
    const stores = ownerVectorStores(context.store, owner);
    const foreign = embeddingOptions.collections.filter(
      (name) => !stores.some((store) => store.name === name || store.safeName === name),
    );
    if (foreign.length > 0) {
      return invalidOwnerResource(
        context,
        `Collections ${foreign.join(", ")} do not belong to the agent owner.`,
      );
    }
  }
  if (
    voice !== undefined &&
    voice !== null &&
    !ownerVoices(context.store, owner).some((saved) => saved.name === voice.savedVoiceName)
  ) {
    return invalidOwnerResource(context, `Voice ${voice.savedVoiceName} does not belong to the agent owner.`);
  }

  const currentOptions = agent.config.modelOptions;
  const nextOptions =
    modelOptions === undefined && temperature === undefined && maxTokens === undefined
      ? currentOptions
      : {
          ...currentOptions,
          ...(temperature === undefined ? {} : { temperature }),
          ...(maxTokens === undefined ? {} : { maxTokens }),
          ...modelOptions,
        };
  const config: AgentConfig = {
    ...agent.config,
    ...(description === undefined ? {} : { description }),
    ...(icon === undefined ? {} : { icon }),
    ...(systemPrompt === undefined ? {} : { systemPrompt }),
    ...(nextOptions === undefined ? {} : { modelOptions: nextOptions }),
    ...(addToday === undefined ? {} : { addToday }),
    ...(timezoneOffset === undefined
      ? {}
      : { timezoneOffset: timezoneOffset === "" ? DEFAULT_TIMEZONE_OFFSET : timezoneOffset }),
    ...(combineSystemPrompts === undefined ? {} : { combineSystemPrompts }),
    ...(convertSystemPrompt === undefined ? {} : { convertSystemPrompt }),
    ...(selectedFunctions === undefined ? {} : { selectedFunctions }),
    ...(embeddingOptions === undefined ? {} : { embeddingOptions }),
    ...(voice === undefined ? {} : { voice }),
    ...(responseProcessorAgent === undefined ? {} : { responseProcessorAgent }),
  };
  agent.config = config;
  syncChatAgent(context.store, owner, agent);
  return jsonResponse(200, { status: "success", message: "Agent updated", data: agentConfigView(agent) });
}

export function listSharedAgentOwnerTools(context: OperationContext): MockResponse {
  const addressed = editableAgentOfRoute(context);
  if ("kind" in addressed) return addressed;
  const servers = ownerServers(context.store, addressed.owner).map(({ tools: _tools, ...server }) => server);
  return jsonResponse(200, {
    success: true,
    servers,
    tools: ownerToolGroups(context.store, addressed.owner),
  });
}

export function listSharedAgentOwnerEmbeddings(context: OperationContext): MockResponse {
  const addressed = editableAgentOfRoute(context);
  if ("kind" in addressed) return addressed;
  return jsonResponse(200, {
    success: true,
    vectorStores: ownerVectorStores(context.store, addressed.owner),
    embeddingModels: ownerEmbeddingModels(context.store, addressed.owner),
  });
}

export function listSharedAgentOwnerVoices(context: OperationContext): MockResponse {
  const addressed = editableAgentOfRoute(context);
  if ("kind" in addressed) return addressed;
  const keyReturned = context.faults.has(AGENT_FAULTS.ownerVoiceKeyReturned);
  const voices = ownerVoices(context.store, addressed.owner).map((voice) => ({
    id: voice.id,
    name: voice.name,
    providerKey: voice.providerKey,
    responseFormat: voice.responseFormat ?? "mp3",
    speed: voice.speed ?? 1,
    ...(keyReturned && voice.temporaryApiKey !== undefined ? { apiKey: voice.temporaryApiKey } : {}),
  }));
  return jsonResponse(200, { success: true, voices });
}
