import type { MockArea, OperationContext } from "../../area.ts";
import { jsonResponse, type MockResponse } from "../../mock-response.ts";
import { InvalidRequestError, optionalString, requireBodyObject } from "../../request-fields.ts";
import { parseAgentMessages } from "../agents/agent-messages.ts";
import { findAgent } from "../agents/agent-records.ts";
import { parseTtsOverrides, speechStreamResponse } from "../agents/agent-speech.ts";
import { hasVoice } from "../agents/agent-views.ts";
import { titleAgentOf } from "../settings/settings-records.ts";
import { PUBLIC_AGENT_FAULTS } from "./public-agent-faults.ts";
import { isResponse, usableAgentOfRoute } from "./public-agent-access.ts";
import { createPublicAgentChatCompletion } from "./public-chat.ts";
import { cancelPublicRun, getPublicRun, runObserver, startRun, streamPublicRun } from "./public-runs.ts";
import {
  deletePublicAgentSession,
  getPublicAgentSession,
  listPublicAgentSessions,
  savePublicAgentSession,
  updatePublicAgentSessionTitle,
} from "./public-sessions.ts";

/** Returns the public-safe metadata of the agent. The title agent comes from the owner's settings. */
function getPublicAgent(context: OperationContext): MockResponse {
  const addressed = usableAgentOfRoute(context);
  if (isResponse(addressed)) return addressed;
  const { agent, owner } = addressed;
  return jsonResponse(200, {
    success: true,
    data: {
      name: agent.config.name,
      description: agent.config.description,
      hasVoice: hasVoice(agent),
      settings: { titleAgentName: titleAgentOf(context.store, owner) },
    },
  });
}

/** Runs the agent and streams its reply as text and speech, behind a run named in `X-Run-Id`. */
function streamPublicAgentSpeech(context: OperationContext): MockResponse {
  const body = requireBodyObject(context.request.json);
  const messages = parseAgentMessages(body["messages"]);
  optionalString(body, "chatId");
  const sessionId = optionalString(body, "sessionId");
  const processorAgentName = optionalString(body, "processorAgentName");
  const overrides = parseTtsOverrides(body);
  const addressed = usableAgentOfRoute(context);
  if (isResponse(addressed)) return addressed;
  if (
    processorAgentName !== undefined &&
    findAgent(context.store, addressed.owner, processorAgentName) === undefined
  ) {
    throw new InvalidRequestError(
      `processorAgentName ${processorAgentName} is not an agent of the agent's owner.`,
      "processorAgentName",
    );
  }
  const run = startRun(context, addressed, sessionId === "" ? undefined : sessionId);
  const response = speechStreamResponse(context, {
    owner: addressed.owner,
    agent: addressed.agent,
    messages,
    overrides,
    runId: run.runId,
    sendUsage: true,
    observer: runObserver(run),
    cancel: run.canceller.signal,
  });
  return { ...response, headers: { "x-run-id": run.runId } };
}

const AGENT_ROUTE = "/v1/public/agent/{username}/{slug}";
const RUN_ROUTE = "/v1/public/runs/{runId}";

/**
 * Published agents used by their owner or share recipients: metadata, chat, speech, each
 * viewer's saved sessions, and the runs behind the chat and speak streams.
 */
export const publicAgentsArea: MockArea = {
  name: "public-agents",
  operations: [
    { operationId: "getPublicAgent", method: "GET", path: AGENT_ROUTE, handle: getPublicAgent },
    {
      operationId: "createPublicAgentChatCompletion",
      method: "POST",
      path: `${AGENT_ROUTE}/chat`,
      handle: createPublicAgentChatCompletion,
    },
    {
      operationId: "streamPublicAgentSpeech",
      method: "POST",
      path: `${AGENT_ROUTE}/speak`,
      handle: streamPublicAgentSpeech,
    },
    {
      operationId: "listPublicAgentSessions",
      method: "GET",
      path: `${AGENT_ROUTE}/sessions`,
      handle: listPublicAgentSessions,
    },
    {
      operationId: "savePublicAgentSession",
      method: "POST",
      path: `${AGENT_ROUTE}/sessions`,
      handle: savePublicAgentSession,
    },
    {
      operationId: "getPublicAgentSession",
      method: "GET",
      path: `${AGENT_ROUTE}/sessions/{id}`,
      handle: getPublicAgentSession,
    },
    {
      operationId: "deletePublicAgentSession",
      method: "DELETE",
      path: `${AGENT_ROUTE}/sessions/{id}`,
      handle: deletePublicAgentSession,
    },
    {
      operationId: "updatePublicAgentSessionTitle",
      method: "PATCH",
      path: `${AGENT_ROUTE}/sessions/{id}/title`,
      handle: updatePublicAgentSessionTitle,
    },
    { operationId: "getPublicRun", method: "GET", path: RUN_ROUTE, handle: getPublicRun },
    { operationId: "cancelPublicRun", method: "POST", path: `${RUN_ROUTE}/cancel`, handle: cancelPublicRun },
    { operationId: "streamPublicRun", method: "GET", path: `${RUN_ROUTE}/stream`, handle: streamPublicRun },
  ],
  faults: Object.values(PUBLIC_AGENT_FAULTS),
};
