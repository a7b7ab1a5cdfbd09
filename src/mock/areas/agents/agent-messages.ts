import { InvalidRequestError, isJsonObject, typeName, type JsonObject } from "../../request-fields.ts";
import type { ChatRequest } from "../chat/chat-request.ts";

const ROLES = new Set(["system", "user", "assistant", "tool"]);

/** A validated message sent to an agent. `record` keeps the fields as sent, for the persisted context. */
export interface AgentMessage {
  readonly role: "system" | "user" | "assistant" | "tool";
  readonly content: string | null;
  readonly record: JsonObject;
}

/**
 * Validates the `messages` of an agent request (speak, public chat and speak): a non-empty list
 * of `{ role, content }` objects with the documented optional fields.
 */
export function parseAgentMessages(value: unknown): AgentMessage[] {
  if (value === undefined || value === null) {
    throw new InvalidRequestError(
      "messages is missing; send a non-empty list of { role, content }.",
      "messages",
    );
  }
  if (!Array.isArray(value) || value.length === 0) {
    throw new InvalidRequestError(
      `messages must be a non-empty list, received ${typeName(value)}.`,
      "messages",
    );
  }
  return value.map((item, index) => parseAgentMessage(item, `messages[${index}]`));
}

function parseAgentMessage(item: unknown, path: string): AgentMessage {
  if (!isJsonObject(item))
    throw new InvalidRequestError(`${path} must be an object, received ${typeName(item)}.`, "messages");
  const role = item["role"];
  if (typeof role !== "string" || !ROLES.has(role)) {
    throw new InvalidRequestError(
      `${path}.role must be system, user, assistant or tool, received ${typeName(role)}.`,
      "messages",
    );
  }
  const content = item["content"];
  if (content !== null && typeof content !== "string") {
    throw new InvalidRequestError(
      `${path}.content must be a string or null, received ${typeName(content)}.`,
      "messages",
    );
  }
  checkType(item, "name", "string", path);
  checkType(item, "tool_call_id", "string", path);
  checkType(item, "tool_calls", "array", path);
  checkType(item, "rawContentBlocks", "array", path);
  checkType(item, "providerState", "object", path);
  return { role: role as AgentMessage["role"], content, record: item };
}

function checkType(
  item: JsonObject,
  field: string,
  expected: "string" | "array" | "object",
  path: string,
): void {
  const value = item[field];
  if (value === undefined) return;
  let valid: boolean;
  if (expected === "string") valid = typeof value === "string";
  else if (expected === "array") valid = Array.isArray(value);
  else valid = isJsonObject(value);
  if (valid) return;
  const article = expected === "array" ? "an" : "a";
  throw new InvalidRequestError(
    `${path}.${field} must be ${article} ${expected}, received ${typeName(value)}.`,
    "messages",
  );
}

/**
 * Builds the chat request that an agent reply is generated from: the agent's name as the model,
 * the messages and the agent's own output limit. Agents reply in text and call no tools in the mock.
 */
export function agentChatRequest(
  agentName: string,
  messages: readonly AgentMessage[],
  maxTokens: number | undefined,
): ChatRequest {
  return {
    model: agentName,
    messages: messages.map((message) => ({ role: message.role, text: message.content ?? "" })),
    stream: true,
    includeUsage: false,
    maxTokens,
    choiceCount: 1,
    tools: [],
    toolChoice: "none",
    responseFormat: { type: "text" },
    sessionId: undefined,
  };
}
