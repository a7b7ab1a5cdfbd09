import type { MockArea, OperationContext } from "../../area.ts";
import { cancelWork } from "../../cancellable-sessions.ts";
import { jsonResponse, type MockResponse } from "../../mock-response.ts";
import { InvalidRequestError, optionalString, requireBodyObject } from "../../request-fields.ts";
import { countTokens } from "../../token-count.ts";
import { recordUsage } from "../../usage-recording.ts";
import { FAILING_PROVIDER_MODEL } from "../models/model-records.ts";
import { choiceDeltas, replyMessage, replyTokenCount } from "./chat-deltas.ts";
import { CHAT_FAULTS } from "./chat-faults.ts";
import { parseChatRequest } from "./chat-request.ts";
import { chatStreamResponse, usageOf } from "./chat-stream.ts";
import { resolveChatTarget } from "./chat-targets.ts";
import { generateReply, type ChoiceReply } from "./reply-generator.ts";

function createChatCompletion(context: OperationContext): MockResponse {
  const request = parseChatRequest(context.request.json, context.request.headers["x-session-id"]);
  const target = resolveChatTarget(context.store, context.account, request.model, {
    acrossAccounts: context.faults.has(CHAT_FAULTS.modelAcrossAccounts),
    ignoreShares: context.faults.has(CHAT_FAULTS.sharedAgentUnshared),
  });
  if (target === undefined) {
    return context.error(
      404,
      `The model ${request.model} is not a model or published agent of this account, nor an agent shared with it. ` +
        "List the chat targets with GET /v1/models.",
      { param: "model", code: "model_not_found" },
    );
  }
  if (target.kind === "model" && target.model.embedding) {
    throw new InvalidRequestError(
      `${request.model} is an embedding model; send it to POST /v1/embeddings.`,
      "model",
    );
  }

  // An agent's own configuration governs its output; per-request sampling fields are ignored.
  const maxTokens = target.kind === "agent" ? target.agent.agent.maxTokens : request.maxTokens;
  const outputTokens = maxTokens ?? context.timing.model.chat.outputTokens;
  const id = `chatcmpl-${context.store.nextId("mock")}`;
  const replies = Array.from({ length: request.choiceCount }, (_, index) =>
    breakJsonIfFaulty(
      context,
      generateReply(request, index, outputTokens, maxTokens, `call_${id.slice(9)}_${index}`),
    ),
  );
  const plan = {
    id,
    created: Math.floor(context.request.receivedAtEpochMs / 1000),
    request,
    replies,
    promptTokens: request.messages.reduce((sum, message) => sum + countTokens(message.text), 0),
    openAt: context.timing.responseStart(context.operation.operationId, context.request.receivedAt),
    providerFails: target.model?.model === FAILING_PROVIDER_MODEL,
  };
  return request.stream ? chatStreamResponse(context, plan) : completionResponse(context, plan);
}

function completionResponse(
  context: OperationContext,
  plan: Parameters<typeof chatStreamResponse>[1],
): MockResponse {
  const tokensPerChunk = context.timing.model.chat.tokensPerChunk;
  const deltaCount = Math.max(...plan.replies.map((reply) => choiceDeltas(reply, tokensPerChunk).length));
  // The whole reply is sent when its last token would have been streamed.
  const at =
    context.timing.chatDeltaTimes(context.request.receivedAt, plan.openAt, deltaCount).at(-1) ?? plan.openAt;
  const usage = usageOf(plan.promptTokens, plan.replies.map(replyTokenCount));
  const endTime = context.request.receivedAtEpochMs + Math.max(0, at - context.request.receivedAt);
  const metric = {
    chatId: plan.id,
    modelName: plan.request.model,
    inputTokens: usage.prompt_tokens,
    startTime: context.request.receivedAtEpochMs,
    endTime,
    tools: plan.request.tools.length > 0,
  };

  if (plan.providerFails) {
    const message = "The upstream provider failed (simulated by the mock).";
    recordUsage(context.store, context.account, { ...metric, outputTokens: null, error: message });
    return { ...context.error(500, message, { code: "provider_error" }), at };
  }
  recordUsage(context.store, context.account, { ...metric, outputTokens: usage.completion_tokens });
  const body = {
    id: plan.id,
    object: "chat.completion",
    created: plan.created,
    model: plan.request.model,
    choices: plan.replies.map((reply, index) => ({
      index,
      message: replyMessage(reply),
      finish_reason: reply.finishReason,
    })),
    usage,
  };
  return { kind: "json", status: 200, body, at };
}

/** Fault switch: replaces a JSON-mode reply with prose that is not JSON. */
function breakJsonIfFaulty(context: OperationContext, reply: ChoiceReply): ChoiceReply {
  if (!context.faults.has(CHAT_FAULTS.jsonModeInvalid) || reply.kind !== "text") return reply;
  const request = context.request.json as Record<string, unknown>;
  if (request["response_format"] === undefined && request["responseFormat"] === undefined) return reply;
  return { ...reply, tokens: ["Here", " is", " the", " JSON", ":", " {", "answer", ":", " yes"] };
}

function cancelChatCompletion(context: OperationContext): MockResponse {
  const body = requireBodyObject(context.request.json);
  const sessionId = optionalString(body, "sessionId");
  const runId = optionalString(body, "runId");
  if (sessionId === undefined || sessionId.trim() === "") {
    if (context.faults.has(CHAT_FAULTS.blankSessionAccepted)) {
      return jsonResponse(200, { success: true, found: false, cancelled: false, alreadyCancelled: false });
    }
    throw new InvalidRequestError(
      "sessionId is missing or blank; send the session id of the stream to cancel.",
      "sessionId",
    );
  }
  return jsonResponse(
    200,
    cancelWork(context.store, context.account, sessionId, runId === "" ? undefined : runId),
  );
}

/** OpenAI-compatible chat completions, streaming and not, and stream cancellation. */
export const chatArea: MockArea = {
  name: "chat",
  operations: [
    {
      operationId: "createChatCompletion",
      method: "POST",
      path: "/v1/chat/completions",
      errorFamily: "openai",
      handle: createChatCompletion,
    },
    {
      operationId: "cancelChatCompletion",
      method: "POST",
      path: "/v1/chat/cancel",
      handle: cancelChatCompletion,
    },
  ],
  faults: Object.values(CHAT_FAULTS),
};
