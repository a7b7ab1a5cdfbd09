import type { Account, MockStore } from "../../store.ts";
import { COLLECTIONS } from "../collections/collection-records.ts";
import { toolListing } from "../mcp-servers/mcp-tools.ts";
import { MODELS } from "../models/model-records.ts";
import { availableServers } from "../utilities/core-servers.ts";
import { VECTOR_STORES } from "../vector-stores/vector-store-records.ts";
import { VOICES, type SavedVoiceRecord } from "../voices/voice-records.ts";
import { modelIdOf, slugify } from "./agent-records.ts";

/** A tool that an MCP server offers to agents, as `GET /v1/core/tools` lists it. */
export type McpTool = Record<string, unknown> & { readonly name: string };

/** An MCP server of an account, without credentials, with the tools agents can call now. */
export interface McpServerSummary {
  readonly name: string;
  readonly displayName: string;
  readonly description: string;
  readonly enabled: boolean;
  readonly installed: boolean;
  readonly source: string;
  /** Empty while the server cannot be used, for example while it waits for OAuth or secrets. */
  readonly tools: readonly McpTool[];
}

/**
 * Lists the MCP servers an account's agents may use: the servers `GET /v1/core/servers` lists,
 * with the tools of the ones that are connected.
 */
export function ownerServers(store: MockStore, owner: Account): McpServerSummary[] {
  return availableServers(store, owner).map(({ server, enabled, installed, connected }) => ({
    name: server.name,
    displayName: server.displayName,
    description: server.description,
    enabled,
    installed,
    source: server.source,
    tools: connected ? server.tools.map((tool) => ({ ...toolListing(tool), name: tool.name })) : [],
  }));
}

/** Lists the account's tools as `GET /v1/core/tools` does: one single-key object per usable server. */
export function ownerToolGroups(store: MockStore, owner: Account): Record<string, McpTool[]>[] {
  return ownerServers(store, owner)
    .filter((server) => server.tools.length > 0)
    .map((server) => ({ [server.name]: [...server.tools] }));
}

/**
 * Resolves MCP function names to `selectedFunctions` (function names keyed by server name).
 * Returns the names that no server of the account offers in `unknown`.
 */
export function resolveToolNames(
  store: MockStore,
  owner: Account,
  names: readonly string[],
): { selectedFunctions: Record<string, string[]>; unknown: string[] } {
  const selectedFunctions: Record<string, string[]> = {};
  const unknown: string[] = [];
  const servers = ownerServers(store, owner);
  for (const name of names) {
    const server = servers.find((candidate) => candidate.tools.some((tool) => tool.name === name));
    if (server === undefined) {
      unknown.push(name);
      continue;
    }
    const functions = (selectedFunctions[server.name] ??= []);
    if (!functions.includes(name)) functions.push(name);
  }
  return { selectedFunctions, unknown };
}

/** Lists the entries of `selectedFunctions` that are not a usable server or tool of the account. */
export function foreignFunctions(
  store: MockStore,
  owner: Account,
  selectedFunctions: Readonly<Record<string, readonly string[]>>,
): string[] {
  const foreign: string[] = [];
  const servers = ownerServers(store, owner);
  for (const [serverName, functions] of Object.entries(selectedFunctions)) {
    const server = servers.find((candidate) => candidate.name === serverName);
    if (server === undefined) {
      foreign.push(`server ${serverName}`);
      continue;
    }
    for (const name of functions) {
      if (!server.tools.some((tool) => tool.name === name)) foreign.push(`function ${serverName}/${name}`);
    }
  }
  return foreign;
}

/** A vector store an agent can search, as the owner-embeddings route lists it. */
export interface VectorStoreSummary {
  readonly name: string;
  readonly safeName: string;
  readonly embeddingModel: string;
}

/**
 * Lists the account's embedded collections and vector stores, collections first. A vector store
 * whose safe name a collection already has is left out.
 * NOTE: vector stores have no safe name of their own in the mock, so theirs is the slug of the
 * name, an estimate of how the API derives it.
 */
export function ownerVectorStores(store: MockStore, owner: Account): VectorStoreSummary[] {
  const summaries: VectorStoreSummary[] = [...store.slot(owner, COLLECTIONS).values()].map((collection) => ({
    name: collection.name,
    safeName: collection.safeName,
    embeddingModel: collection.embeddingModelName,
  }));
  for (const vectorStore of store.slot(owner, VECTOR_STORES).values()) {
    const safeName = slugify(vectorStore.name);
    if (summaries.some((summary) => summary.safeName === safeName)) continue;
    summaries.push({ name: vectorStore.name, safeName, embeddingModel: vectorStore.embeddingModelName });
  }
  return summaries;
}

/** Lists the account's embedding models in the owner-embeddings shape. */
export function ownerEmbeddingModels(
  store: MockStore,
  owner: Account,
): { id: string; name: string; modelName: string; providerKey: string }[] {
  return [...store.slot(owner, MODELS).values()]
    .filter((model) => model.embedding)
    .map((model) => ({
      id: modelIdOf(model),
      name: model.name,
      modelName: model.model,
      providerKey: model.providerKey,
    }));
}

/** Lists the account's saved voices as stored, with temporary provider keys that views must leave out. */
export function ownerVoices(store: MockStore, owner: Account): SavedVoiceRecord[] {
  return [...store.slot(owner, VOICES).values()];
}
