import { InvalidRequestError, isJsonObject, typeName, type JsonObject } from "../../request-fields.ts";

const TOOL_EVENT_TYPES = new Set([
  "tool_start",
  "tool_end",
  "tool_error",
  "tool_warning",
  "llm_start",
  "llm_end",
  "llm_chunk",
]);

/**
 * Validates a list of persisted chat messages (`ModelMessageRecord`), as saved sessions and the
 * config-agent chat store them. `field` names the list in messages. Returns the list as sent.
 */
export function parseModelMessageRecords(value: unknown, field: string): JsonObject[] {
  if (value === undefined || value === null) {
    throw new InvalidRequestError(`${field} is missing; send a list of { role, content } messages.`, field);
  }
  if (!Array.isArray(value))
    throw new InvalidRequestError(`${field} must be a list, received ${typeName(value)}.`, field);
  return value.map((item, index) => checkRecord(item, `${field}[${index}]`, field));
}

function checkRecord(item: unknown, path: string, field: string): JsonObject {
  const fail = (message: string): never => {
    throw new InvalidRequestError(`${path}${message}`, field);
  };
  if (!isJsonObject(item)) fail(` must be an object, received ${typeName(item)}.`);
  const record = item as JsonObject;
  if (typeof record["role"] !== "string")
    fail(`.role must be a string, received ${typeName(record["role"])}.`);
  checkContent(record["content"], `${path}.content`, field);
  if (record["name"] !== undefined && typeof record["name"] !== "string") fail(".name must be a string.");
  if (record["tool_call_id"] !== undefined && typeof record["tool_call_id"] !== "string")
    fail(".tool_call_id must be a string.");
  if (record["tool_calls"] !== undefined && !Array.isArray(record["tool_calls"]))
    fail(".tool_calls must be a list.");
  if (record["rawContentBlocks"] !== undefined && !Array.isArray(record["rawContentBlocks"]))
    fail(".rawContentBlocks must be a list.");
  if (record["providerState"] !== undefined && !isJsonObject(record["providerState"]))
    fail(".providerState must be an object.");
  checkTokenUsage(record["tokenUsage"], `${path}.tokenUsage`, field);
  checkToolEvents(record["toolEvents"], `${path}.toolEvents`, field);
  return record;
}

function checkContent(content: unknown, path: string, field: string): void {
  if (content === null || typeof content === "string") return;
  if (!Array.isArray(content)) {
    throw new InvalidRequestError(
      `${path} must be a string, null or a list of content parts, received ${typeName(content)}.`,
      field,
    );
  }
  content.forEach((part, index) => {
    const valid =
      isJsonObject(part) &&
      ((part["type"] === "text" && typeof part["text"] === "string") ||
        (part["type"] === "image" &&
          isJsonObject(part["image"]) &&
          typeof part["image"]["mimeType"] === "string" &&
          typeof part["image"]["base64Data"] === "string"));
    if (!valid) {
      throw new InvalidRequestError(
        `${path}[${index}] must be { type: "text", text } or ` +
          '{ type: "image", image: { mimeType, base64Data } }.',
        field,
      );
    }
  });
}

function checkTokenUsage(usage: unknown, path: string, field: string): void {
  if (usage === undefined) return;
  if (!isJsonObject(usage)) throw new InvalidRequestError(`${path} must be an object.`, field);
  for (const name of ["promptTokens", "completionTokens", "totalTokens"]) {
    const count = usage[name];
    if (count !== undefined && !(typeof count === "number" && Number.isInteger(count) && count >= 0)) {
      throw new InvalidRequestError(
        `${path}.${name} must be an integer >= 0, received ${typeName(count)}.`,
        field,
      );
    }
  }
}

function checkToolEvents(events: unknown, path: string, field: string): void {
  if (events === undefined) return;
  if (!Array.isArray(events)) throw new InvalidRequestError(`${path} must be a list.`, field);
  events.forEach((event, index) => {
    if (
      !isJsonObject(event) ||
      typeof event["type"] !== "string" ||
      !TOOL_EVENT_TYPES.has(event["type"]) ||
      !isJsonObject(event["data"])
    ) {
      throw new InvalidRequestError(
        `${path}[${index}] must be { type, data } with type one of ${[...TOOL_EVENT_TYPES].join(", ")}.`,
        field,
      );
    }
  });
}
