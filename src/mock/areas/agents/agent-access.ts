import type { Account, MockStore } from "../../store.ts";
import { findAgentBySlug, sharesFor, type AgentRecord, type PublishState } from "./agent-records.ts";

/** An agent addressed as `<ownerUsername>/<slug>`, with its owner and publish record. */
export interface AddressedAgent {
  readonly owner: Account;
  readonly agent: AgentRecord;
  readonly publish: PublishState;
}

/**
 * Finds the agent `<ownerUsername>/<slug>` whose publish record exists, published or not. The
 * caller decides whether an unpublished agent counts as missing.
 */
export function findAddressedAgent(
  store: MockStore,
  ownerUsername: string,
  slug: string,
): AddressedAgent | undefined {
  const owner = store.findAccountByUsername(ownerUsername);
  if (owner === undefined) return undefined;
  const agent = findAgentBySlug(store, owner, slug);
  if (agent?.publish === undefined) return undefined;
  return { owner, agent, publish: agent.publish };
}

/** Returns whether `viewer` may use the agent, because it owns the agent or has a share of it. */
export function canUse(addressed: AddressedAgent, viewer: Account): boolean {
  return addressed.owner === viewer || sharesFor(addressed.agent, viewer).length > 0;
}

/** Returns whether `viewer` may edit the agent's config, as its owner or with an editable share. */
export function canEdit(addressed: AddressedAgent, viewer: Account): boolean {
  return addressed.owner === viewer || sharesFor(addressed.agent, viewer).some((share) => share.editable);
}
