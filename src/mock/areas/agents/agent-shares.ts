import type { OperationContext } from "../../area.ts";
import { jsonResponse, type MockResponse } from "../../mock-response.ts";
import { InvalidRequestError, requireBodyObject, requiredString, typeName } from "../../request-fields.ts";
import type { Account } from "../../store.ts";
import { AGENT_FAULTS } from "./agent-faults.ts";
import {
  AGENTS,
  findAgentBySlug,
  sharesFor,
  syncChatAgent,
  type AgentRecord,
  type AgentShareRecord,
} from "./agent-records.ts";
import { shareView, sharedAgentSummary } from "./agent-views.ts";

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Finds the caller's published agent of a share route. `{username}` must be the caller's own
 * username (403 otherwise) and `{slug}` must name one of its publish records (404 otherwise).
 */
function ownedAgentOfRoute(context: OperationContext): { owner: Account; agent: AgentRecord } | MockResponse {
  const username = context.request.params["username"] ?? "";
  const slug = context.request.params["slug"] ?? "";
  let owner: Account | undefined = context.account;
  if (username !== context.account.username) {
    if (!context.faults.has(AGENT_FAULTS.shareOfOtherOwnerAllowed)) {
      return context.error(
        403,
        `The share routes take the caller's own username ${context.account.username}, not ${username}.`,
      );
    }
    owner = context.store.findAccountByUsername(username);
  }
  const agent = owner === undefined ? undefined : findAgentBySlug(context.store, owner, slug);
  if (owner === undefined || agent === undefined) {
    return context.error(
      404,
      `No published agent has the slug ${slug}. List the publish records with GET /v1/core/agents/published.`,
    );
  }
  return { owner, agent };
}

/** Classifies and normalizes a recipient: an email address when it contains @, else a username. */
function parseRecipient(
  value: string,
  keepCase: boolean,
): Pick<AgentShareRecord, "recipientType" | "recipient"> {
  const trimmed = value.trim();
  const recipient = keepCase ? trimmed : trimmed.toLowerCase();
  if (!trimmed.includes("@")) return { recipientType: "username", recipient };
  if (!EMAIL.test(trimmed)) {
    throw new InvalidRequestError(
      `recipient ${JSON.stringify(value)} is not a valid email address or username.`,
      "recipient",
    );
  }
  return { recipientType: "email", recipient };
}

function sameRecipient(
  share: AgentShareRecord,
  recipient: Pick<AgentShareRecord, "recipientType" | "recipient">,
): boolean {
  return (
    share.recipientType === recipient.recipientType &&
    share.recipient.toLowerCase() === recipient.recipient.toLowerCase()
  );
}

/** Shares an agent with a username or email, or updates `editable` of an existing share. */
export function createAgentShare(context: OperationContext): MockResponse {
  const body = requireBodyObject(context.request.json);
  const recipient = parseRecipient(
    requiredString(body, "recipient"),
    context.faults.has(AGENT_FAULTS.sharesNotNormalized),
  );
  // Only the value true grants edit access. Other values, even invalid ones, mean read-only.
  const editable = body["editable"] === true;
  const route = ownedAgentOfRoute(context);
  if ("kind" in route) return route;
  const { owner, agent } = route;

  if (recipient.recipientType === "username") {
    const account = context.store
      .accounts()
      .find((candidate) => candidate.username.toLowerCase() === recipient.recipient.toLowerCase());
    if (account === undefined && !context.faults.has(AGENT_FAULTS.unknownRecipientAccepted)) {
      return context.error(
        404,
        `No account has the username ${recipient.recipient}. Check the spelling, or share by email.`,
      );
    }
    if (account === owner)
      throw new InvalidRequestError(
        "recipient is the agent's owner; share with another account.",
        "recipient",
      );
  } else if (recipient.recipient.toLowerCase() === owner.email.toLowerCase()) {
    throw new InvalidRequestError("recipient is the agent's owner; share with another account.", "recipient");
  }

  const index = agent.shares.findIndex((share) => sameRecipient(share, recipient));
  const existing = agent.shares[index];
  if (existing !== undefined) {
    agent.shares[index] = { ...existing, editable };
  } else {
    agent.shares.push({ ...recipient, createdAt: context.request.receivedAtEpochMs, editable });
  }
  syncChatAgent(context.store, owner, agent);
  return jsonResponse(200, { success: true });
}

export function listAgentShares(context: OperationContext): MockResponse {
  const route = ownedAgentOfRoute(context);
  if ("kind" in route) return route;
  return jsonResponse(200, { success: true, data: route.agent.shares.map(shareView) });
}

/** Revokes a share. `success` is false when the recipient had none. */
export function revokeAgentShare(context: OperationContext): MockResponse {
  const body = requireBodyObject(context.request.json);
  const recipientType = body["recipientType"];
  if (recipientType !== "username" && recipientType !== "email") {
    throw new InvalidRequestError(
      `recipientType must be username or email, received ${typeName(recipientType)}.`,
      "recipientType",
    );
  }
  const recipient = requiredString(body, "recipient").trim().toLowerCase();
  const route = ownedAgentOfRoute(context);
  if ("kind" in route) return route;
  const { owner, agent } = route;

  const index = agent.shares.findIndex((share) => sameRecipient(share, { recipientType, recipient }));
  const [revoked] = index === -1 ? [] : agent.shares.splice(index, 1);
  if (revoked !== undefined && context.faults.has(AGENT_FAULTS.reachableAfterRevoke))
    agent.lingeringShares.push(revoked);
  syncChatAgent(context.store, owner, agent);
  return jsonResponse(200, { success: revoked !== undefined });
}

/** Lists the agents of other accounts that hold a share for the caller's username or email. */
export function listAgentsSharedWithMe(context: OperationContext): MockResponse {
  const data: Record<string, unknown>[] = [];
  for (const owner of context.store.accounts()) {
    if (owner === context.account) continue;
    for (const agent of context.store.slot(owner, AGENTS).values()) {
      const shares = sharesFor(agent, context.account);
      if (agent.publish !== undefined && shares.length > 0)
        data.push(sharedAgentSummary(owner, agent, agent.publish, shares));
    }
  }
  return jsonResponse(200, { success: true, data });
}
