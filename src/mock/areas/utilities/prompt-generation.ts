import { messageObject, messageRole, requiredMessageList, textOrNullContent } from "../../message-fields.ts";
import {
  InvalidRequestError,
  optionalObject,
  optionalString,
  requiredString,
  type JsonObject,
} from "../../request-fields.ts";
import type { ChatMessage, ChatRequest } from "../chat/chat-request.ts";
import { generateReply } from "../chat/reply-generator.ts";

/** A validated `POST /v1/core/generate/prompt` body. */
export interface PromptRequest {
  readonly model: string;
  readonly messages: readonly ChatMessage[];
  readonly name: string | undefined;
  readonly description: string | undefined;
  readonly type: "agent" | "workflow";
}

/** Words of the generated body text, between the opening and the closing sentence. */
const BODY_TOKENS = 24;

/** Validates the body; throws `InvalidRequestError` naming the first invalid field. */
export function parsePromptRequest(body: JsonObject): PromptRequest {
  const model = requiredString(body, "model");
  const messages = requiredMessageList(body["messages"], { minItems: 0 }).map((item, index): ChatMessage => {
    const message = messageObject(item, `messages[${index}]`);
    const role = messageRole(message, `messages[${index}]`);
    return { role, text: textOrNullContent(message, `messages[${index}]`) ?? "" };
  });
  const type = optionalString(body, "type") ?? "agent";
  if (type !== "agent" && type !== "workflow") {
    throw new InvalidRequestError(
      `type must be agent or workflow, received ${JSON.stringify(type.slice(0, 40))}.`,
      "type",
    );
  }
  optionalObject(body, "modelOptions");
  return {
    model,
    messages,
    name: optionalString(body, "name"),
    description: optionalString(body, "description"),
    type,
  };
}

/**
 * Writes a system prompt for the agent or workflow the request describes. The text depends only
 * on the request: an opening sentence from the name and description, body text from the chat
 * area's reply generator, and a closing sentence for the prompt type.
 */
export function generatePromptText(request: PromptRequest): string {
  const subject = request.name ?? (request.type === "workflow" ? "a workflow" : "an agent");
  const opening =
    request.description === undefined || request.description === ""
      ? `You are ${subject}.`
      : `You are ${subject}: ${request.description}.`;
  const chatRequest: ChatRequest = {
    model: request.model,
    messages: request.messages,
    stream: false,
    includeUsage: false,
    maxTokens: undefined,
    choiceCount: 1,
    tools: [],
    toolChoice: "none",
    responseFormat: { type: "text" },
    sessionId: undefined,
  };
  const reply = generateReply(chatRequest, 0, BODY_TOKENS, undefined, "");
  const body = reply.kind === "text" ? reply.tokens.join("") : "";
  const closing =
    request.type === "workflow"
      ? "Use helper outputs where the prompt names them, and the data values where it quotes them."
      : "Answer in short, clear sentences and say when you are unsure.";
  return `${opening}\n\n${body}\n\n${closing}`;
}
