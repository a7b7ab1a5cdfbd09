import type { MockArea, OperationContext } from "../../area.ts";
import type { MockResponse } from "../../mock-response.ts";
import {
  InvalidRequestError,
  optionalString,
  requireBodyObject,
  requiredString,
} from "../../request-fields.ts";
import { createAgent, deleteAgent, listAgents, updateAgent } from "./agent-configs.ts";
import { AGENT_FAULTS } from "./agent-faults.ts";
import { parseAgentMessages } from "./agent-messages.ts";
import { listPublishedAgents, publishAgent } from "./agent-publishing.ts";
import { findAgent } from "./agent-records.ts";
import {
  createAgentShare,
  listAgentShares,
  listAgentsSharedWithMe,
  revokeAgentShare,
} from "./agent-shares.ts";
import { parseTtsOverrides, speechStreamResponse } from "./agent-speech.ts";
import {
  getSharedAgentConfig,
  listSharedAgentOwnerEmbeddings,
  listSharedAgentOwnerTools,
  listSharedAgentOwnerVoices,
  updateSharedAgentConfig,
} from "./shared-agent-editing.ts";

/** Runs an agent of the caller and streams its reply as text and speech. */
function streamAgentSpeech(context: OperationContext): MockResponse {
  const body = requireBodyObject(context.request.json);
  const name = requiredString(body, "name");
  const messages = parseAgentMessages(body["messages"]);
  const processorAgentName = optionalString(body, "processorAgentName");
  const overrides = parseTtsOverrides(body);
  const agent = findAgent(context.store, context.account, name);
  if (agent === undefined) {
    return context.error(
      404,
      `No agent of this account is named ${name}. List the agents with GET /v1/core/agents.`,
    );
  }
  if (
    processorAgentName !== undefined &&
    findAgent(context.store, context.account, processorAgentName) === undefined
  ) {
    throw new InvalidRequestError(
      `processorAgentName ${processorAgentName} is not an agent of this account.`,
      "processorAgentName",
    );
  }
  return speechStreamResponse(context, {
    owner: context.account,
    agent,
    messages,
    overrides,
    sendUsage: false,
  });
}

const SHARE_ROUTE = "/v1/core/agents/{username}/{slug}";

/**
 * Agents of each account: configs, speech, publishing with slugs, sharing by username or email,
 * and editing of shared agents. Every change is mirrored into the records chat reads, so chat and
 * `/v1/models` resolve published and shared agents.
 */
export const agentsArea: MockArea = {
  name: "agents",
  operations: [
    { operationId: "listAgents", method: "GET", path: "/v1/core/agents", handle: listAgents },
    { operationId: "createAgent", method: "POST", path: "/v1/core/add/agent", handle: createAgent },
    { operationId: "updateAgent", method: "PUT", path: "/v1/core/update/agent", handle: updateAgent },
    { operationId: "deleteAgent", method: "POST", path: "/v1/core/delete/agent", handle: deleteAgent },
    {
      operationId: "streamAgentSpeech",
      method: "POST",
      path: "/v1/core/agent/speak",
      handle: streamAgentSpeech,
    },
    { operationId: "publishAgent", method: "POST", path: "/v1/core/agents/publish", handle: publishAgent },
    {
      operationId: "listPublishedAgents",
      method: "GET",
      path: "/v1/core/agents/published",
      handle: listPublishedAgents,
    },
    {
      operationId: "listAgentsSharedWithMe",
      method: "GET",
      path: "/v1/core/agents/shared-with-me",
      handle: listAgentsSharedWithMe,
    },
    {
      operationId: "createAgentShare",
      method: "POST",
      path: `${SHARE_ROUTE}/shares`,
      handle: createAgentShare,
    },
    { operationId: "listAgentShares", method: "GET", path: `${SHARE_ROUTE}/shares`, handle: listAgentShares },
    {
      operationId: "revokeAgentShare",
      method: "DELETE",
      path: `${SHARE_ROUTE}/shares`,
      handle: revokeAgentShare,
    },
    {
      operationId: "getSharedAgentConfig",
      method: "GET",
      path: `${SHARE_ROUTE}/config`,
      handle: getSharedAgentConfig,
    },
    {
      operationId: "updateSharedAgentConfig",
      method: "PUT",
      path: `${SHARE_ROUTE}/config`,
      handle: updateSharedAgentConfig,
    },
    {
      operationId: "listSharedAgentOwnerTools",
      method: "GET",
      path: `${SHARE_ROUTE}/owner-tools`,
      handle: listSharedAgentOwnerTools,
    },
    {
      operationId: "listSharedAgentOwnerEmbeddings",
      method: "GET",
      path: `${SHARE_ROUTE}/owner-embeddings`,
      handle: listSharedAgentOwnerEmbeddings,
    },
    {
      operationId: "listSharedAgentOwnerVoices",
      method: "GET",
      path: `${SHARE_ROUTE}/owner-voices`,
      handle: listSharedAgentOwnerVoices,
    },
  ],
  faults: Object.values(AGENT_FAULTS),
};
