import { defineAccountSlot, type Account, type MockStore } from "./store.ts";

/**
 * The facts about an agent that chat and the model list need. The agents area owns the agents and
 * keeps this record in `CHAT_AGENTS` in step with them; chat reads it through the queries below.
 */
export interface ChatAgentRecord {
  /**
   * Agent id, the `<agentId>` of `agent/<agentId>` references in workflows. When it is absent,
   * workflows resolve `agent/<name>` by the agent name instead.
   */
  readonly id?: string;
  /** Agent name; chat targets an own published agent by this name. */
  readonly name: string;
  /** Public slug; chat targets a shared agent as `shared/<ownerUsername>/<slug>`. */
  readonly slug: string;
  /** Name of the owner's model the agent runs on. */
  readonly modelName: string;
  readonly published: boolean;
  /** Usernames and emails the owner shared the agent with. */
  readonly sharedWith: readonly { readonly username?: string; readonly email?: string }[];
  /** The agent's own output limit; chat ignores a request's `max_tokens` for agents. */
  readonly maxTokens?: number;
}

/** Each account's agents by name. */
export const CHAT_AGENTS = defineAccountSlot("chat-agents", () => new Map<string, ChatAgentRecord>());

/** An agent that chat may target, with its owner. */
export interface ResolvedAgent {
  readonly owner: Account;
  readonly agent: ChatAgentRecord;
}

/** Finds the caller's own published agent by name. */
export function findOwnPublishedAgent(
  store: MockStore,
  caller: Account,
  name: string,
): ResolvedAgent | undefined {
  const agent = store.slot(caller, CHAT_AGENTS).get(name);
  return agent?.published === true ? { owner: caller, agent } : undefined;
}

/**
 * Finds the published agent `<ownerUsername>/<slug>` if the caller owns it or the owner shared it
 * with the caller's username or email. Everyone else gets undefined, as if it did not exist.
 */
export function findSharedAgent(
  store: MockStore,
  caller: Account,
  ownerUsername: string,
  slug: string,
): ResolvedAgent | undefined {
  const owner = store.findAccountByUsername(ownerUsername);
  if (owner === undefined) return undefined;
  for (const agent of store.slot(owner, CHAT_AGENTS).values()) {
    if (agent.slug !== slug || !agent.published) continue;
    return owner === caller || isSharedWith(agent, caller) ? { owner, agent } : undefined;
  }
  return undefined;
}

/** Published agents other accounts shared with the caller, with their owners. */
export function listAgentsSharedWith(store: MockStore, caller: Account): ResolvedAgent[] {
  const shared: ResolvedAgent[] = [];
  for (const owner of store.accounts()) {
    if (owner === caller) continue;
    for (const agent of store.slot(owner, CHAT_AGENTS).values()) {
      if (agent.published && isSharedWith(agent, caller)) shared.push({ owner, agent });
    }
  }
  return shared;
}

function isSharedWith(agent: ChatAgentRecord, account: Account): boolean {
  const email = account.email.toLowerCase();
  return agent.sharedWith.some(
    (share) => share.username === account.username || share.email?.toLowerCase() === email,
  );
}
