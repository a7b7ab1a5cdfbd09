import { CHAT_AGENTS, findSharedAgent, type ChatAgentRecord } from "../../agent-directory.ts";
import type { Account, MockStore } from "../../store.ts";

/** An agent that a workflow step runs, resolved from its reference in the caller's namespace. */
export interface WorkflowAgent {
  /** Canonical reference: `agent/<agentId>` or `shared/<ownerUsername>/<slug>`. */
  readonly ref: string;
  readonly owner: Account;
  readonly agent: ChatAgentRecord;
  /** The agent id; for an agent without an id, its name. */
  readonly agentId: string;
  /** True when the caller owns the agent, so `mainAgentId` may name it. */
  readonly owned: boolean;
}

const OWNED_REF = /^agent\/([^/]+)$/;
const SHARED_REF = /^shared\/([^/]+)\/([^/]+)$/;

/**
 * Resolves `agent/<agentId>` among the caller's agents (published or not) and
 * `shared/<ownerUsername>/<slug>` among published agents shared with the caller. Anything else,
 * and agents of other accounts that were not shared, resolve to undefined.
 */
export function resolveAgentRef(store: MockStore, caller: Account, ref: string): WorkflowAgent | undefined {
  const owned = OWNED_REF.exec(ref);
  if (owned !== null) {
    const agentId = owned[1] as string;
    const agent = findOwnAgentById(store, caller, agentId);
    return agent === undefined ? undefined : ownedAgent(caller, agent);
  }
  const shared = SHARED_REF.exec(ref);
  if (shared === null) return undefined;
  const resolved = findSharedAgent(store, caller, shared[1] as string, shared[2] as string);
  if (resolved === undefined) return undefined;
  if (resolved.owner === caller) return ownedAgent(caller, resolved.agent);
  return {
    ref,
    owner: resolved.owner,
    agent: resolved.agent,
    agentId: agentIdOf(resolved.agent),
    owned: false,
  };
}

/**
 * Resolves the selector of a helper token: an agent reference, or the bare name of one of the
 * caller's agents.
 */
export function resolveHelperSelector(
  store: MockStore,
  caller: Account,
  selector: string,
): WorkflowAgent | undefined {
  const byRef = resolveAgentRef(store, caller, selector);
  if (byRef !== undefined || selector.includes("/")) return byRef;
  const agent = store.slot(caller, CHAT_AGENTS).get(selector);
  return agent === undefined ? undefined : ownedAgent(caller, agent);
}

function findOwnAgentById(store: MockStore, caller: Account, agentId: string): ChatAgentRecord | undefined {
  for (const agent of store.slot(caller, CHAT_AGENTS).values()) {
    if (agentIdOf(agent) === agentId) return agent;
  }
  return undefined;
}

function ownedAgent(owner: Account, agent: ChatAgentRecord): WorkflowAgent {
  const agentId = agentIdOf(agent);
  return { ref: `agent/${agentId}`, owner, agent, agentId, owned: true };
}

function agentIdOf(agent: ChatAgentRecord): string {
  return agent.id ?? agent.name;
}
