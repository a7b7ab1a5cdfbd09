import type { OperationContext } from "../../area.ts";
import { jsonResponse, type MockResponse } from "../../mock-response.ts";
import {
  InvalidRequestError,
  optionalNumber,
  optionalObject,
  requireBodyObject,
  requiredString,
  typeName,
  type JsonObject,
} from "../../request-fields.ts";
import { defineAccountSlot, type Account } from "../../store.ts";
import type { AddressedAgent } from "../agents/agent-access.ts";
import { parseModelMessageRecords } from "../agents/model-message-records.ts";
import { PUBLIC_AGENT_FAULTS } from "./public-agent-faults.ts";
import { isResponse, usableAgentOfRoute } from "./public-agent-access.ts";

/** A saved chat of one viewer with one agent (`PublicChatSessionRecord`). */
interface SessionRecord {
  readonly id: string;
  readonly userId: string;
  readonly agentUsername: string;
  readonly agentSlug: string;
  title: string;
  readonly createdAt: number;
  updatedAt: number;
  readonly messages: readonly JsonObject[];
  readonly providerState?: JsonObject;
}

/** Each viewer's sessions, by `<ownerUsername>/<slug>` of the agent and then by session id. */
const PUBLIC_SESSIONS = defineAccountSlot(
  "public-agent-sessions",
  () => new Map<string, Map<string, SessionRecord>>(),
);

/** Sessions per page when the request sets no `limit`, the documented default. */
const DEFAULT_LIMIT = 50;

function agentKey(addressed: AddressedAgent): string {
  return `${addressed.owner.username}/${addressed.publish.slug}`;
}

function sessionsOf(
  context: OperationContext,
  viewer: Account,
  addressed: AddressedAgent,
): Map<string, SessionRecord> {
  const byAgent = context.store.slot(viewer, PUBLIC_SESSIONS);
  const key = agentKey(addressed);
  let sessions = byAgent.get(key);
  if (sessions === undefined) {
    sessions = new Map();
    byAgent.set(key, sessions);
  }
  return sessions;
}

/** Finds a session of the caller. Under a fault it also finds the sessions of other viewers. */
function findSession(
  context: OperationContext,
  addressed: AddressedAgent,
  id: string,
): SessionRecord | undefined {
  const viewers = context.faults.has(PUBLIC_AGENT_FAULTS.sessionVisibleToOthers)
    ? context.store.accounts()
    : [context.account];
  for (const viewer of viewers) {
    const session = sessionsOf(context, viewer, addressed).get(id);
    if (session !== undefined) return session;
  }
  return undefined;
}

function requiredNumber(body: JsonObject, name: string): number {
  const value = optionalNumber(body, name);
  if (value === undefined)
    throw new InvalidRequestError(`${name} is missing; send it as a Unix time in milliseconds.`, name);
  return value;
}

/**
 * Reads a paging parameter. The spec documents no 400 for this route, so a value that is not an
 * integer of at least `minimum` falls back to the default instead of failing the request.
 */
function readPaging(
  context: OperationContext,
  name: "limit" | "offset",
  minimum: number,
  fallback: number,
): number {
  const raw = context.request.query.get(name);
  const value = raw === null || raw.trim() === "" ? Number.NaN : Number(raw);
  return Number.isInteger(value) && value >= minimum ? value : fallback;
}

/** Lists the caller's sessions with the agent, most recently updated first. */
export function listPublicAgentSessions(context: OperationContext): MockResponse {
  const limit = readPaging(context, "limit", 1, DEFAULT_LIMIT);
  const offset = readPaging(context, "offset", 0, 0);
  const addressed = usableAgentOfRoute(context);
  if (isResponse(addressed)) return addressed;
  const viewers = context.faults.has(PUBLIC_AGENT_FAULTS.sessionVisibleToOthers)
    ? context.store.accounts()
    : [context.account];
  const sessions = viewers
    .flatMap((viewer) => [...sessionsOf(context, viewer, addressed).values()])
    .sort((a, b) => b.updatedAt - a.updatedAt || a.id.localeCompare(b.id));
  return jsonResponse(200, { success: true, data: sessions.slice(offset, offset + limit) });
}

/** Creates or replaces a session. The owner, slug and user id come from the route and the caller. */
export function savePublicAgentSession(context: OperationContext): MockResponse {
  const body = requireBodyObject(context.request.json);
  const id = requiredString(body, "id");
  const title = body["title"];
  if (typeof title !== "string")
    throw new InvalidRequestError(`title must be a string, received ${typeName(title)}.`, "title");
  const createdAt = requiredNumber(body, "createdAt");
  const updatedAt = requiredNumber(body, "updatedAt");
  const messages = parseModelMessageRecords(body["messages"], "messages");
  const providerState = optionalObject(body, "providerState");
  const addressed = usableAgentOfRoute(context);
  if (isResponse(addressed)) return addressed;

  sessionsOf(context, context.account, addressed).set(id, {
    id,
    userId: context.account.id,
    agentUsername: addressed.owner.username,
    agentSlug: addressed.publish.slug,
    title,
    createdAt,
    updatedAt,
    messages,
    ...(providerState === undefined ? {} : { providerState }),
  });
  return jsonResponse(200, { success: true });
}

function sessionNotFound(context: OperationContext, id: string): MockResponse {
  return context.error(
    404,
    `No saved session ${id} of this account exists for this agent. List them with GET .../sessions.`,
  );
}

export function getPublicAgentSession(context: OperationContext): MockResponse {
  const addressed = usableAgentOfRoute(context);
  if (isResponse(addressed)) return addressed;
  const id = context.request.params["id"] ?? "";
  const session = findSession(context, addressed, id);
  return session === undefined
    ? sessionNotFound(context, id)
    : jsonResponse(200, { success: true, data: session });
}

/** Deletes a session. A missing one still gets 200, with `success: false` and `Not found`. */
export function deletePublicAgentSession(context: OperationContext): MockResponse {
  const addressed = usableAgentOfRoute(context);
  if (isResponse(addressed)) return addressed;
  const id = context.request.params["id"] ?? "";
  const deleted = sessionsOf(context, context.account, addressed).delete(id);
  return jsonResponse(
    200,
    deleted ? { success: true, message: "Deleted" } : { success: false, message: "Not found" },
  );
}

/** Renames a session. Only the title and `updatedAt` change. */
export function updatePublicAgentSessionTitle(context: OperationContext): MockResponse {
  const body = requireBodyObject(context.request.json);
  const title = requiredString(body, "title");
  const updatedAt = optionalNumber(body, "updatedAt") ?? context.request.receivedAtEpochMs;
  const addressed = usableAgentOfRoute(context);
  if (isResponse(addressed)) return addressed;
  const id = context.request.params["id"] ?? "";
  const session = findSession(context, addressed, id);
  if (session === undefined) return sessionNotFound(context, id);
  session.title = title;
  session.updatedAt = updatedAt;
  return jsonResponse(200, { success: true, title, updatedAt });
}
