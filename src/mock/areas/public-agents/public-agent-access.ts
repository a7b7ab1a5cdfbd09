import type { OperationContext } from "../../area.ts";
import type { MockResponse } from "../../mock-response.ts";
import { canUse, findAddressedAgent, type AddressedAgent } from "../agents/agent-access.ts";

/**
 * Finds the published agent of a public agent route and checks access. Returns 404 when the
 * owner, the publish record or the agent does not exist or the agent is unpublished, and 403
 * OWNER_OR_SHARED_ONLY when the caller neither owns the agent nor has a share of it.
 */
export function usableAgentOfRoute(context: OperationContext): AddressedAgent | MockResponse {
  const username = context.request.params["username"] ?? "";
  const slug = context.request.params["slug"] ?? "";
  const addressed = findAddressedAgent(context.store, username, slug);
  if (addressed === undefined || !addressed.publish.isPublished) {
    return context.error(404, `No published agent ${username}/${slug} exists.`);
  }
  if (!canUse(addressed, context.account)) {
    return context.error(403, "Only the owner or a shared recipient may use this agent.", {
      code: "OWNER_OR_SHARED_ONLY",
    });
  }
  return addressed;
}

/** Returns whether a route helper returned a response (an error) instead of its result. */
export function isResponse<T extends object>(value: T | MockResponse): value is MockResponse {
  return "kind" in value && "status" in value;
}
