import { findOwnPublishedAgent, findSharedAgent, type ResolvedAgent } from "../../agent-directory.ts";
import type { Account, MockStore } from "../../store.ts";
import { MODELS, type ModelRecord } from "../models/model-records.ts";

/** What a chat request's `model` names. */
export type ChatTarget =
  | { readonly kind: "model"; readonly model: ModelRecord }
  | { readonly kind: "agent"; readonly agent: ResolvedAgent; readonly model: ModelRecord | undefined };

export interface TargetLookupOptions {
  /** Fault switch: also look model names up in other accounts. */
  readonly acrossAccounts: boolean;
  /** Fault switch: let `shared/<owner>/<slug>` resolve for accounts it is not shared with. */
  readonly ignoreShares: boolean;
}

/**
 * Resolves `model` in the caller's namespace: one of its models, one of its own published agents
 * by name, or `shared/<ownerUsername>/<slug>` when the owner shared that agent with the caller.
 */
export function resolveChatTarget(
  store: MockStore,
  caller: Account,
  name: string,
  options: TargetLookupOptions,
): ChatTarget | undefined {
  const shared = /^shared\/([^/]+)\/([^/]+)$/.exec(name);
  if (shared !== null) {
    const [, ownerUsername, slug] = shared as unknown as [string, string, string];
    const agent =
      findSharedAgent(store, caller, ownerUsername, slug) ??
      (options.ignoreShares ? anyPublished(store, ownerUsername, slug) : undefined);
    return agent === undefined ? undefined : agentTarget(store, agent);
  }

  const model = store.slot(caller, MODELS).get(name);
  if (model !== undefined) return { kind: "model", model };
  const agent = findOwnPublishedAgent(store, caller, name);
  if (agent !== undefined) return agentTarget(store, agent);
  if (options.acrossAccounts) {
    for (const account of store.accounts()) {
      const other = store.slot(account, MODELS).get(name);
      if (other !== undefined) return { kind: "model", model: other };
    }
  }
  return undefined;
}

function agentTarget(store: MockStore, agent: ResolvedAgent): ChatTarget {
  return { kind: "agent", agent, model: store.slot(agent.owner, MODELS).get(agent.agent.modelName) };
}

function anyPublished(store: MockStore, ownerUsername: string, slug: string): ResolvedAgent | undefined {
  const owner = store.findAccountByUsername(ownerUsername);
  return owner === undefined ? undefined : findSharedAgent(store, owner, ownerUsername, slug);
}
