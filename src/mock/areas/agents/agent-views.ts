import type { Account } from "../../store.ts";
import type { AgentRecord, AgentShareRecord, PublishState } from "./agent-records.ts";
import { toolsCount } from "./agent-records.ts";

/** Builds the `AgentConfig` of an agent as the API returns it, with the agent's id. */
export function agentConfigView(agent: AgentRecord): Record<string, unknown> {
  return { id: agent.id, ...agent.config };
}

/** Builds the `AgentPublishRecord` of an agent that has been published at least once. */
export function publishRecordView(
  owner: Account,
  agent: AgentRecord,
  publish: PublishState,
): Record<string, unknown> {
  return {
    userId: owner.id,
    username: owner.username,
    agentId: agent.id,
    agentName: agent.config.name,
    slug: publish.slug,
    isPublished: publish.isPublished,
    publishedAt: publish.publishedAt,
    updatedAt: publish.updatedAt,
  };
}

export function shareView(share: AgentShareRecord): Record<string, unknown> {
  return {
    recipientType: share.recipientType,
    recipient: share.recipient,
    createdAt: share.createdAt,
    editable: share.editable,
  };
}

/**
 * Builds the `SharedAgentSummary` of an agent shared with a viewer through `shares` (non-empty).
 * The oldest share gives `sharedAt` and `sharedVia`, and any editable share makes the agent editable.
 */
export function sharedAgentSummary(
  owner: Account,
  agent: AgentRecord,
  publish: PublishState,
  shares: readonly AgentShareRecord[],
): Record<string, unknown> {
  const oldest = [...shares].sort((a, b) => a.createdAt - b.createdAt)[0] as AgentShareRecord;
  const summary: Record<string, unknown> = {
    agentId: agent.id,
    agentName: agent.config.name,
  };
  if (typeof agent.config.icon === "string") summary["icon"] = agent.config.icon;
  return {
    ...summary,
    slug: publish.slug,
    description: agent.config.description,
    isPublished: publish.isPublished,
    publishedAt: publish.publishedAt,
    ownerUsername: owner.username,
    sharedAt: oldest.createdAt,
    sharedVia: oldest.recipientType,
    hasVoice: hasVoice(agent),
    editable: shares.some((share) => share.editable),
    modelName: agent.modelName,
    toolsCount: toolsCount(agent.config),
  };
}

/** Returns whether the agent has a saved voice, which the speak routes need to synthesize its reply. */
export function hasVoice(agent: AgentRecord): boolean {
  const voice = agent.config.voice;
  return voice !== undefined && voice !== null && voice.savedVoiceName !== "";
}
