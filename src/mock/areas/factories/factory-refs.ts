import { CHAT_AGENTS } from "../../agent-directory.ts";
import type { Account, MockStore } from "../../store.ts";
import { resolveAgentRef, type WorkflowAgent } from "../workflows/agent-refs.ts";

/** The outcome of resolving an agent ref of a factory step in the caller's namespace. */
export type AgentRefResolution =
  | { readonly kind: "resolved"; readonly agent: WorkflowAgent }
  | { readonly kind: "invalid" | "not_found" | "forbidden" };

const OWNED_REF = /^agent\/[^/]+$/;
const SHARED_REF = /^shared\/([^/]+)\/([^/]+)$/;

/** Turns a legacy `agentId` into its canonical ref `agent/<agentId>`. */
export function canonicalAgentRef(
  agentRef: string | undefined,
  agentId: string | undefined,
): string | undefined {
  if (agentRef !== undefined && agentRef.trim() !== "") return agentRef.trim();
  if (agentId !== undefined && agentId.trim() !== "") return `agent/${agentId.trim()}`;
  return undefined;
}

/**
 * Resolves `agent/<agentId>` among the caller's agents and `shared/<ownerUsername>/<slug>` among
 * the published agents shared with the caller. A shared ref to a published agent that exists but
 * is not shared with the caller is `forbidden`; one that does not exist is `not_found`.
 */
export function resolveFactoryAgent(store: MockStore, caller: Account, ref: string): AgentRefResolution {
  const shared = SHARED_REF.exec(ref);
  if (!OWNED_REF.test(ref) && shared === null) return { kind: "invalid" };
  const agent = resolveAgentRef(store, caller, ref);
  if (agent !== undefined) return { kind: "resolved", agent };
  if (shared === null) return { kind: "not_found" };

  const owner = store.findAccountByUsername(shared[1] as string);
  const exists =
    owner !== undefined &&
    [...store.slot(owner, CHAT_AGENTS).values()].some(
      (candidate) => candidate.published && candidate.slug === shared[2],
    );
  return { kind: exists ? "forbidden" : "not_found" };
}
