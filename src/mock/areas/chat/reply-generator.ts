import { isJsonObject, type JsonObject } from "../../request-fields.ts";
import { fnv1a32, mulberry32 } from "../../seeded-random.ts";
import type { ChatRequest, ChatTool } from "./chat-request.ts";

/**
 * The reply of one choice, split into the tokens it is streamed as. Text replies are words (each
 * with its leading space); JSON replies and tool-call arguments are pieces of about 4 characters.
 */
export type ChoiceReply =
  | { readonly kind: "text"; readonly tokens: readonly string[]; readonly finishReason: "stop" | "length" }
  | {
      readonly kind: "tool-call";
      readonly callId: string;
      readonly name: string;
      readonly argumentTokens: readonly string[];
      readonly finishReason: "tool_calls";
    };

const WORDS = [
  "mission",
  "squad",
  "agent",
  "signal",
  "river",
  "orbit",
  "lantern",
  "harbor",
  "summit",
  "meadow",
  "quiet",
  "bright",
  "steady",
  "gentle",
  "swift",
  "clear",
  "amber",
  "silver",
  "northern",
  "open",
  "builds",
  "carries",
  "finds",
  "keeps",
  "shapes",
  "guides",
  "checks",
  "answers",
  "gathers",
  "follows",
  "the",
  "a",
  "every",
  "each",
  "this",
  "with",
  "through",
  "across",
  "before",
  "after",
  "plan",
  "path",
  "report",
  "sketch",
  "record",
  "window",
  "garden",
  "engine",
  "ledger",
  "compass",
];

/**
 * Generates the reply of choice `choiceIndex`. The reply depends only on the request, so equal
 * requests get equal replies. `outputTokens` is the length of a text reply; `maxTokens` (when the
 * target honours it) cuts JSON replies, which are otherwise complete.
 */
export function generateReply(
  request: ChatRequest,
  choiceIndex: number,
  outputTokens: number,
  maxTokens: number | undefined,
  callId: string,
): ChoiceReply {
  const lastUser = [...request.messages].reverse().find((message) => message.role === "user")?.text ?? "";
  const random = mulberry32(fnv1a32(`${request.model}\n${choiceIndex}\n${lastUser}`));

  const tool = chosenTool(request);
  if (tool !== undefined) {
    const args = JSON.stringify(exampleFromSchema(tool.parameters, random, 0));
    return {
      kind: "tool-call",
      callId,
      name: tool.name,
      argumentTokens: splitPieces(args),
      finishReason: "tool_calls",
    };
  }

  const format = request.responseFormat;
  if (format.type === "text") {
    return {
      kind: "text",
      tokens: textTokens(random, outputTokens),
      finishReason: maxTokens === undefined ? "stop" : "length",
    };
  }
  const schema = format.schema ?? {
    type: "object",
    properties: { answer: { type: "string" } },
    required: ["answer"],
  };
  const pieces = splitPieces(JSON.stringify(exampleFromSchema(schema, random, 0)));
  if (maxTokens !== undefined && pieces.length > maxTokens) {
    return { kind: "text", tokens: pieces.slice(0, maxTokens), finishReason: "length" };
  }
  return { kind: "text", tokens: pieces, finishReason: "stop" };
}

/**
 * The tool the model calls, if any: the named one for a function `tool_choice`, otherwise the first
 * tool unless `tool_choice` is `none` or the last message is already a tool result (so agent loops end).
 */
function chosenTool(request: ChatRequest): ChatTool | undefined {
  if (request.tools.length === 0 || request.toolChoice === "none") return undefined;
  const choice = request.toolChoice;
  if (typeof choice === "object") return request.tools.find((tool) => tool.name === choice.name);
  if (choice === "auto" && request.messages.at(-1)?.role === "tool") return undefined;
  return request.tools[0];
}

function textTokens(random: () => number, count: number): string[] {
  const tokens: string[] = [];
  let sentenceStart = true;
  for (let index = 0; index < count; index += 1) {
    let word = WORDS[Math.floor(random() * WORDS.length)] as string;
    if (sentenceStart) word = word.charAt(0).toUpperCase() + word.slice(1);
    const endsSentence = index === count - 1 || random() < 0.12;
    tokens.push(`${index === 0 ? "" : " "}${word}${endsSentence ? "." : ""}`);
    sentenceStart = endsSentence;
  }
  return tokens;
}

/** Splits text into pieces of 4 characters, the mock's token size for JSON output. */
function splitPieces(text: string): string[] {
  const pieces: string[] = [];
  for (let index = 0; index < text.length; index += 4) pieces.push(text.slice(index, index + 4));
  return pieces.length === 0 ? [""] : pieces;
}

/**
 * Builds a value that satisfies the common JSON Schema keywords (type, properties, required,
 * items, enum, const, minimum, minItems). Keywords it does not know are not honoured.
 */
export function exampleFromSchema(schema: unknown, random: () => number, depth: number): unknown {
  if (!isJsonObject(schema) || depth > 6) return null;
  if (schema["const"] !== undefined) return schema["const"];
  const enumValues = schema["enum"];
  if (Array.isArray(enumValues) && enumValues.length > 0)
    return enumValues[Math.floor(random() * enumValues.length)];
  for (const keyword of ["oneOf", "anyOf"]) {
    const options = schema[keyword];
    if (Array.isArray(options) && options.length > 0) return exampleFromSchema(options[0], random, depth + 1);
  }

  const declared = schema["type"];
  const type = Array.isArray(declared) ? declared.find((item) => item !== "null") : declared;
  switch (type) {
    case "string":
      return WORDS[Math.floor(random() * WORDS.length)] as string;
    case "integer":
      return Math.max(Number(schema["minimum"] ?? 0), Math.floor(random() * 100));
    case "number":
      return Math.max(Number(schema["minimum"] ?? 0), Math.round(random() * 10000) / 100);
    case "boolean":
      return random() < 0.5;
    case "null":
      return null;
    case "array": {
      const count = Math.max(1, Number(schema["minItems"] ?? 1));
      return Array.from({ length: count }, () =>
        exampleFromSchema(schema["items"] ?? { type: "string" }, random, depth + 1),
      );
    }
    default:
      return objectExample(schema, random, depth);
  }
}

function objectExample(schema: JsonObject, random: () => number, depth: number): JsonObject {
  const properties = isJsonObject(schema["properties"]) ? schema["properties"] : {};
  const result: JsonObject = {};
  for (const [name, propertySchema] of Object.entries(properties)) {
    result[name] = exampleFromSchema(propertySchema, random, depth + 1);
  }
  const required = Array.isArray(schema["required"]) ? schema["required"] : [];
  for (const name of required) {
    if (typeof name === "string" && !(name in result)) result[name] = WORDS[0];
  }
  return result;
}
