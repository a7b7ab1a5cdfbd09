import type { Account, MockStore } from "../../store.ts";
import { MODELS } from "../models/model-records.ts";
import { VOICES, type SavedVoiceRecord } from "../voices/voice-records.ts";
import { modelIdOf } from "./agent-records.ts";

/** A tool that an MCP server offers to agents. */
export interface McpTool {
  readonly name: string;
  readonly description: string;
  readonly inputSchema: Readonly<Record<string, unknown>>;
}

/** An MCP server available to an account, without credentials. */
export interface McpServerSummary {
  readonly name: string;
  readonly displayName: string;
  readonly description: string;
  readonly enabled: boolean;
  readonly installed: boolean;
  readonly source: string;
  readonly tools: readonly McpTool[];
}

/**
 * The platform MCP servers every account of the mock has, with the servers and tools that the
 * reference pages use as examples.
 * NOTE: servers an account connects itself (the MCP servers area) are not part of this list, so
 * their tools cannot be selected for an agent in the mock.
 */
export const PLATFORM_MCP_SERVERS: readonly McpServerSummary[] = [
  {
    name: "weather-server",
    displayName: "Weather",
    description: "Weather lookups",
    enabled: true,
    installed: true,
    source: "platform",
    tools: [
      {
        name: "weather",
        description: "Get weather information.",
        inputSchema: { type: "object", properties: { location: { type: "string" } } },
      },
    ],
  },
  {
    name: "calculator-server",
    displayName: "Calculator",
    description: "Math expressions",
    enabled: true,
    installed: true,
    source: "platform",
    tools: [
      {
        name: "calculator",
        description: "Evaluate a math expression.",
        inputSchema: { type: "object", properties: { expression: { type: "string" } } },
      },
    ],
  },
];

/** Lists the MCP servers an account's agents may use. */
export function ownerServers(_store: MockStore, _owner: Account): readonly McpServerSummary[] {
  return PLATFORM_MCP_SERVERS;
}

/** Lists the account's tools as `GET /v1/core/tools` does: one single-key object per server. */
export function ownerToolGroups(store: MockStore, owner: Account): Record<string, McpTool[]>[] {
  return ownerServers(store, owner).map((server) => ({ [server.name]: [...server.tools] }));
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
  for (const name of names) {
    const server = ownerServers(store, owner).find((candidate) =>
      candidate.tools.some((tool) => tool.name === name),
    );
    if (server === undefined) {
      unknown.push(name);
      continue;
    }
    const functions = (selectedFunctions[server.name] ??= []);
    if (!functions.includes(name)) functions.push(name);
  }
  return { selectedFunctions, unknown };
}

/** Names in `selectedFunctions` that are not a server of the account or not a tool of that server. */
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
 * Lists the account's vector stores.
 * TODO: read the vector stores area's records. Until then no account has a vector store, so
 * `embeddingOptions.collections` must be empty on the shared-config route.
 */
export function ownerVectorStores(_store: MockStore, _owner: Account): readonly VectorStoreSummary[] {
  return [];
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
