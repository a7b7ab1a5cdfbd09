import { InvalidRequestError, isJsonObject, typeName, type JsonObject } from "./request-fields.ts";

/**
 * Readers for the `messages` list of chat-style requests (chat completions, agent speak and
 * public chat, prompt generation, agent workflows). Each throws `InvalidRequestError` with the
 * param `messages`; the caller reads the fields its operation documents.
 */

export type MessageRole = "system" | "user" | "assistant" | "tool";

const MESSAGE_ROLES: ReadonlySet<string> = new Set(["system", "user", "assistant", "tool"]);

/**
 * Reads the `messages` list. With `minItems: 1` an empty list is invalid; operations that take an
 * empty history pass 0.
 */
export function requiredMessageList(value: unknown, options: { readonly minItems: 0 | 1 }): unknown[] {
  const list = options.minItems === 1 ? "a non-empty list" : "a list";
  if (value === undefined || value === null) {
    throw new InvalidRequestError(`messages is missing; send ${list} of { role, content }.`, "messages");
  }
  if (!Array.isArray(value) || value.length < options.minItems) {
    throw new InvalidRequestError(`messages must be ${list}, received ${typeName(value)}.`, "messages");
  }
  return value;
}

/** Reads one message as an object. `path` names it in messages, such as `messages[2]`. */
export function messageObject(item: unknown, path: string): JsonObject {
  if (!isJsonObject(item)) {
    throw new InvalidRequestError(`${path} must be an object, received ${typeName(item)}.`, "messages");
  }
  return item;
}

/** Reads the `role` of one message. */
export function messageRole(message: JsonObject, path: string): MessageRole {
  const role = message["role"];
  if (typeof role !== "string" || !MESSAGE_ROLES.has(role)) {
    throw new InvalidRequestError(
      `${path}.role must be system, user, assistant or tool, received ${typeName(role)}.`,
      "messages",
    );
  }
  return role as MessageRole;
}

/** Reads a `content` that is a string or null, as agent and prompt-generation requests take it. */
export function textOrNullContent(message: JsonObject, path: string): string | null {
  const content = message["content"];
  if (content !== null && typeof content !== "string") {
    throw new InvalidRequestError(
      `${path}.content must be a string or null, received ${typeName(content)}.`,
      "messages",
    );
  }
  return content;
}
