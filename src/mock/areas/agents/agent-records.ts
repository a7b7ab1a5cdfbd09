import { CHAT_AGENTS } from "../../agent-directory.ts";
import { fnv1a32 } from "../../seeded-random.ts";
import { defineAccountSlot, type Account, type MockStore } from "../../store.ts";
import type { AudioFormat } from "../audio/audio-formats.ts";
import { MODELS, type ModelRecord } from "../models/model-records.ts";

/** The saved voice an agent speaks with on the speak routes. */
export interface AgentVoice {
  readonly savedVoiceName: string;
  readonly responseFormat?: AudioFormat;
  readonly speed?: number;
  readonly ttsOptions?: Readonly<Record<string, unknown>>;
}

export interface AgentModelOptions {
  readonly temperature?: number;
  readonly maxTokens?: number;
}

export interface AgentEmbeddingOptions {
  readonly model: string;
  readonly collections: readonly string[];
  readonly type: string;
}

/** A stored agent configuration, in the field names the API reads and returns. */
export interface AgentConfig {
  readonly name: string;
  readonly description: string;
  readonly systemPrompt: string;
  readonly modelId: string;
  readonly icon?: string | null;
  readonly addToday: boolean;
  readonly timezoneOffset: string;
  readonly selectedFunctions?: Readonly<Record<string, readonly string[]>>;
  readonly modelOptions?: AgentModelOptions;
  readonly embeddingOptions?: AgentEmbeddingOptions;
  readonly voice?: AgentVoice | null;
  readonly responseProcessorAgent?: string;
  readonly combineSystemPrompts?: boolean;
  readonly convertSystemPrompt?: boolean;
}

/** The publish state of an agent and its public slug. */
export interface PublishState {
  readonly slug: string;
  readonly isPublished: boolean;
  /** Unix time in ms of the latest switch to published. */
  readonly publishedAt: number;
  /** Unix time in ms of the latest toggle. */
  readonly updatedAt: number;
}

/** One recipient of a published agent. `recipient` is lowercase. */
export interface AgentShareRecord {
  readonly recipientType: "username" | "email";
  readonly recipient: string;
  readonly createdAt: number;
  readonly editable: boolean;
}

/** An agent of an account with its publish state and shares. */
export interface AgentRecord {
  readonly id: string;
  config: AgentConfig;
  /** Name of the account's model that `config.modelId` refers to. */
  modelName: string;
  /** Utility agents (`msq-config-agent`) are created by the platform and cannot be updated. */
  readonly utility: boolean;
  publish: PublishState | undefined;
  shares: AgentShareRecord[];
  /**
   * Shares that a revoke removed from the share list but that still grant access. Only the fault
   * `shared-agent-reachable-after-revoke` fills this list.
   */
  lingeringShares: AgentShareRecord[];
}

/** Each account's agents by name. */
export const AGENTS = defineAccountSlot("agents", () => new Map<string, AgentRecord>());

/** Names of the platform's utility agents, which `PUT /v1/core/update/agent` rejects with 403. */
export const PROTECTED_AGENT_NAMES: ReadonlySet<string> = new Set(["title-agent", "msq-config-agent"]);

/** The `timezoneOffset` the API uses when an agent sets none. */
export const DEFAULT_TIMEZONE_OFFSET = "-0500";

export function findAgent(store: MockStore, account: Account, name: string): AgentRecord | undefined {
  return store.slot(account, AGENTS).get(name);
}

export function findAgentById(store: MockStore, account: Account, id: string): AgentRecord | undefined {
  for (const agent of store.slot(account, AGENTS).values()) {
    if (agent.id === id) return agent;
  }
  return undefined;
}

/** Finds the agent of `owner` whose publish record has `slug`, published or not. */
export function findAgentBySlug(store: MockStore, owner: Account, slug: string): AgentRecord | undefined {
  for (const agent of store.slot(owner, AGENTS).values()) {
    if (agent.publish?.slug === slug) return agent;
  }
  return undefined;
}

/**
 * Derives the id the mock gives an account's model. Model records have no id of their own, so the
 * id comes from the model's name and stays the same for equal names.
 */
export function modelIdOf(model: ModelRecord): string {
  return `mdl_${fnv1a32(model.name).toString(36)}`;
}

/** Resolves an agent's `model` field: a model name of the account, or a model id from `modelIdOf`. */
export function resolveAgentModel(
  store: MockStore,
  account: Account,
  reference: string,
): ModelRecord | undefined {
  const models = store.slot(account, MODELS);
  const byName = models.get(reference);
  if (byName !== undefined) return byName;
  for (const model of models.values()) {
    if (modelIdOf(model) === reference) return model;
  }
  return undefined;
}

/** Returns the shares that grant access: the listed ones plus any that a faulty revoke left behind. */
export function accessShares(agent: AgentRecord): AgentShareRecord[] {
  return [...agent.shares, ...agent.lingeringShares];
}

/** Returns the shares of `agent` that name `viewer` by username or by email, ignoring case. */
export function sharesFor(agent: AgentRecord, viewer: Account): AgentShareRecord[] {
  const email = viewer.email.toLowerCase();
  const username = viewer.username.toLowerCase();
  return accessShares(agent).filter((share) => {
    const recipient = share.recipient.toLowerCase();
    return share.recipientType === "username" ? recipient === username : recipient === email;
  });
}

/** Counts the MCP functions an agent uses. */
export function toolsCount(config: AgentConfig): number {
  return Object.values(config.selectedFunctions ?? {}).reduce((sum, functions) => sum + functions.length, 0);
}

/**
 * Writes the record chat and the model list read (`CHAT_AGENTS`) for `agent`, so chat targets and
 * `/v1/models` follow every change of name, model, publish state and shares.
 */
export function syncChatAgent(
  store: MockStore,
  owner: Account,
  agent: AgentRecord,
  previousName?: string,
): void {
  const chatAgents = store.slot(owner, CHAT_AGENTS);
  if (previousName !== undefined && previousName !== agent.config.name) chatAgents.delete(previousName);
  const maxTokens = agent.config.modelOptions?.maxTokens;
  chatAgents.set(agent.config.name, {
    id: agent.id,
    name: agent.config.name,
    slug: agent.publish?.slug ?? slugify(agent.config.name),
    modelName: agent.modelName,
    published: agent.publish?.isPublished ?? false,
    sharedWith: accessShares(agent).map((share) =>
      share.recipientType === "username"
        ? { username: share.recipient.toLowerCase() }
        : { email: share.recipient },
    ),
    ...(maxTokens === undefined ? {} : { maxTokens }),
  });
}

/** Removes an agent from the records chat reads. */
export function unsyncChatAgent(store: MockStore, owner: Account, name: string): void {
  store.slot(owner, CHAT_AGENTS).delete(name);
}

/**
 * Derives a public slug from an agent name: lowercase ASCII letters and digits, with every other
 * run of characters turned into one hyphen. A name without letters or digits gets `agent`.
 */
export function slugify(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return slug === "" ? "agent" : slug;
}
