import { messageObject, messageRole, requiredMessageList, type MessageRole } from "../../message-fields.ts";
import {
  InvalidRequestError,
  firstPresent,
  isJsonObject,
  optionalBoolean,
  optionalNumber,
  optionalObject,
  optionalString,
  requireBodyObject,
  requiredString,
  typeName,
  type JsonObject,
} from "../../request-fields.ts";

export interface ChatMessage {
  readonly role: MessageRole;
  /** The text of the message; content parts are joined, a null content is empty. */
  readonly text: string;
}

export interface ChatTool {
  readonly name: string;
  readonly parameters: JsonObject;
}

/** Requested output shape; an invalid `response_format` is ignored, as documented. */
export type ResponseFormat =
  | { readonly type: "text" }
  | { readonly type: "json_object"; readonly schema?: JsonObject }
  | { readonly type: "json_schema"; readonly schema: JsonObject };

export type ToolChoice = "none" | "auto" | "required" | { readonly name: string };

/** A validated chat completion request. */
export interface ChatRequest {
  readonly model: string;
  readonly messages: readonly ChatMessage[];
  readonly stream: boolean;
  readonly includeUsage: boolean;
  /** `max_tokens` or `maxTokens`. */
  readonly maxTokens: number | undefined;
  readonly choiceCount: number;
  readonly tools: readonly ChatTool[];
  readonly toolChoice: ToolChoice;
  readonly responseFormat: ResponseFormat;
  /** `sessionId` from the body, else the `x-session-id` header. */
  readonly sessionId: string | undefined;
}

/**
 * Maximum `n` the mock accepts.
 * NOTE: the reference pages give no bound for `n`; this limit only keeps a response small.
 */
export const MAX_CHOICES = 16;

/** Validates a chat completion body; throws `InvalidRequestError` naming the first invalid field. */
export function parseChatRequest(json: unknown, sessionHeader: string | undefined): ChatRequest {
  const body = requireBodyObject(json);
  const model = requiredString(body, "model");
  const messages = parseMessages(body["messages"]);

  const maxTokensField = firstPresent(body, ["max_tokens", "maxTokens"]) ?? "max_tokens";
  const maxTokens = optionalNumber(body, maxTokensField, { minimum: 1, integer: true });
  for (const name of ["temperature", "top_p", "topP", "frequency_penalty", "presence_penalty"]) {
    optionalNumber(body, name);
  }
  for (const name of ["request_timeout_ms", "requestTimeoutMs"]) {
    optionalNumber(body, name, { minimum: 1, maximum: 1_800_000, integer: true });
  }
  for (const name of ["max_retries", "maxRetries"]) {
    optionalNumber(body, name, { minimum: 0, maximum: 10, integer: true });
  }
  optionalObject(body, "extra_params");
  optionalObject(body, "extraParams");
  optionalObject(body, "providerState");
  const choiceCount = optionalNumber(body, "n", { minimum: 1, maximum: MAX_CHOICES, integer: true }) ?? 1;
  const stream = optionalBoolean(body, "stream") ?? false;
  const streamOptions = optionalObject(body, "stream_options");
  const includeUsage =
    streamOptions === undefined ? false : (optionalBoolean(streamOptions, "include_usage") ?? false);
  const sessionId = optionalString(body, "sessionId") ?? (sessionHeader === "" ? undefined : sessionHeader);
  const tools = parseTools(body["tools"]);

  const formatField = firstPresent(body, ["response_format", "responseFormat"]);
  return {
    model,
    messages,
    stream,
    includeUsage,
    maxTokens,
    choiceCount,
    tools,
    toolChoice: parseToolChoice(body["tool_choice"], tools),
    responseFormat: formatField === undefined ? { type: "text" } : parseResponseFormat(body[formatField]),
    sessionId,
  };
}

function parseMessages(value: unknown): ChatMessage[] {
  return requiredMessageList(value, { minItems: 1 }).map((item, index) => {
    const message = messageObject(item, `messages[${index}]`);
    return { role: messageRole(message, `messages[${index}]`), text: messageText(message["content"], index) };
  });
}

function messageText(content: unknown, index: number): string {
  if (content === undefined || content === null) return "";
  if (typeof content === "string") return content;
  // OpenAI clients may send content parts; the text parts are kept.
  if (Array.isArray(content)) {
    return content
      .map((part) => (isJsonObject(part) && typeof part["text"] === "string" ? part["text"] : ""))
      .join("");
  }
  throw new InvalidRequestError(
    `messages[${index}].content must be a string or null, received ${typeName(content)}.`,
    "messages",
  );
}

function parseTools(value: unknown): ChatTool[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value))
    throw new InvalidRequestError(`tools must be a list, received ${typeName(value)}.`, "tools");
  return value.map((tool, index) => {
    const fn = isJsonObject(tool) ? tool["function"] : undefined;
    if (!isJsonObject(tool) || tool["type"] !== "function" || !isJsonObject(fn)) {
      throw new InvalidRequestError(
        `tools[${index}] must be { type: "function", function: { name, parameters } }.`,
        "tools",
      );
    }
    const name = fn["name"];
    if (typeof name !== "string" || name === "") {
      throw new InvalidRequestError(`tools[${index}].function.name must be a non-empty string.`, "tools");
    }
    const parameters = fn["parameters"] ?? { type: "object", properties: {} };
    if (!isJsonObject(parameters)) {
      throw new InvalidRequestError(
        `tools[${index}].function.parameters must be a JSON Schema object.`,
        "tools",
      );
    }
    return { name, parameters };
  });
}

function parseToolChoice(value: unknown, tools: readonly ChatTool[]): ToolChoice {
  if (value === undefined || value === null) return "auto";
  if (value === "none" || value === "auto" || value === "required") return value;
  const fn = isJsonObject(value) ? value["function"] : undefined;
  const name = isJsonObject(fn) ? fn["name"] : undefined;
  if (typeof name !== "string" || !isJsonObject(value) || value["type"] !== "function") {
    throw new InvalidRequestError(
      `tool_choice must be none, auto, required or { type: "function", function: { name } }, received ${typeName(value)}.`,
      "tool_choice",
    );
  }
  if (!tools.some((tool) => tool.name === name)) {
    throw new InvalidRequestError(
      `tool_choice names the function ${name}, which is not in tools.`,
      "tool_choice",
    );
  }
  return { name };
}

/** Reads one of the three documented shapes; anything else is ignored and means plain text. */
function parseResponseFormat(value: unknown): ResponseFormat {
  if (!isJsonObject(value)) return { type: "text" };
  if (value["type"] === "json_object") {
    const schema = value["schema"];
    return isJsonObject(schema) ? { type: "json_object", schema } : { type: "json_object" };
  }
  if (value["type"] === "json_schema") {
    const wrapper = value["json_schema"];
    const schema = isJsonObject(wrapper) ? wrapper["schema"] : undefined;
    if (isJsonObject(schema)) return { type: "json_schema", schema };
  }
  return { type: "text" };
}
