import {
  messageObject,
  messageRole,
  requiredMessageList,
  textOrNullContent,
  type MessageRole,
} from "../../message-fields.ts";
import { InvalidRequestError, isJsonObject, typeName, type JsonObject } from "../../request-fields.ts";
import type { ChatRequest } from "../chat/chat-request.ts";

/** A validated message sent to an agent. `record` keeps the fields as sent, for the persisted context. */
export interface AgentMessage {
  readonly role: MessageRole;
  readonly content: string | null;
  readonly record: JsonObject;
}

/**
 * Validates the `messages` of an agent request (speak, public chat and speak): a non-empty list
 * of `{ role, content }` objects with the documented optional fields.
 */
export function parseAgentMessages(value: unknown): AgentMessage[] {
  const messages = requiredMessageList(value, { minItems: 1 });
  return messages.map((item, index) => parseAgentMessage(item, `messages[${index}]`));
}

function parseAgentMessage(item: unknown, path: string): AgentMessage {
  const message = messageObject(item, path);
  const role = messageRole(message, path);
  const content = textOrNullContent(message, path);
  checkType(message, "name", "string", path);
  checkType(message, "tool_call_id", "string", path);
  checkType(message, "tool_calls", "array", path);
  checkType(message, "rawContentBlocks", "array", path);
  checkType(message, "providerState", "object", path);
  return { role, content, record: message };
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
