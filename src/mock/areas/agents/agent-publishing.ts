import type { OperationContext } from "../../area.ts";
import { jsonResponse, type MockResponse } from "../../mock-response.ts";
import { InvalidRequestError, requireBodyObject, requiredString } from "../../request-fields.ts";
import { defineAccountSlot } from "../../store.ts";
import { AGENTS, findAgentById, slugify, syncChatAgent } from "./agent-records.ts";
import { publishRecordView } from "./agent-views.ts";

/**
 * Published agents an account may have at once.
 * NOTE: the reference pages name the `maxPublishedAgents` limit but not its value, so 10 is an estimate.
 */
export const DEFAULT_MAX_PUBLISHED_AGENTS = 10;

/** Whether an account may publish agents, and how many at once. Tests change it through the store. */
export interface PublishingPolicy {
  enabled: boolean;
  maxPublishedAgents: number;
}

export const PUBLISHING_POLICY = defineAccountSlot<PublishingPolicy>("agent-publishing-policy", () => ({
  enabled: true,
  maxPublishedAgents: DEFAULT_MAX_PUBLISHED_AGENTS,
}));

/**
 * Toggles an agent's publish state. Publishing derives the slug from `agentName` again, so the
 * slug stays the same while the name does. Unpublishing keeps the record and its slug.
 */
export function publishAgent(context: OperationContext): MockResponse {
  const body = requireBodyObject(context.request.json);
  const agentId = requiredString(body, "agentId");
  const agentName = requiredString(body, "agentName");
  const { store, account } = context;

  const policy = store.slot(account, PUBLISHING_POLICY);
  if (!policy.enabled) return context.error(403, "Agent publishing is not enabled for this account.");
  const agent = findAgentById(store, account, agentId);
  if (agent === undefined) {
    return context.error(
      404,
      `No agent of this account has the id ${agentId}. List the agents with GET /v1/core/agents.`,
    );
  }
  if (agent.config.name !== agentName) {
    throw new InvalidRequestError(
      `agentName ${JSON.stringify(agentName)} does not match the name ` +
        `${JSON.stringify(agent.config.name)} of agent ${agentId}.`,
      "agentName",
    );
  }

  const now = context.request.receivedAtEpochMs;
  if (agent.publish?.isPublished === true) {
    agent.publish = { ...agent.publish, isPublished: false, updatedAt: now };
  } else {
    const slug = slugify(agentName);
    const agents = [...store.slot(account, AGENTS).values()];
    const holder = agents.find((other) => other !== agent && other.publish?.slug === slug);
    if (holder !== undefined) {
      return context.error(
        409,
        `The slug ${slug} already belongs to the publish record of agent ${holder.config.name}. ` +
          "Rename one of the agents.",
      );
    }
    const publishedCount = agents.filter((other) => other.publish?.isPublished === true).length;
    if (publishedCount >= policy.maxPublishedAgents) {
      return jsonResponse(429, {
        success: false,
        error: "LIMIT_EXCEEDED",
        message:
          `Published agent limit reached: this account may publish ${policy.maxPublishedAgents} agents. ` +
          "Unpublish one first.",
      });
    }
    agent.publish = { slug, isPublished: true, publishedAt: now, updatedAt: now };
  }
  syncChatAgent(store, account, agent);
  return jsonResponse(200, { success: true, data: publishRecordView(account, agent, agent.publish) });
}

/** Lists the caller's publish records, those of unpublished agents included. */
export function listPublishedAgents(context: OperationContext): MockResponse {
  const data = [...context.store.slot(context.account, AGENTS).values()].flatMap((agent) =>
    agent.publish === undefined ? [] : [publishRecordView(context.account, agent, agent.publish)],
  );
  return jsonResponse(200, { success: true, data });
}
