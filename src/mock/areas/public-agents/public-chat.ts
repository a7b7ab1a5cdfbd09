import type { OperationContext } from "../../area.ts";
import type { MockResponse, SseFrame } from "../../mock-response.ts";
import { optionalBoolean, optionalNumber, optionalString, requireBodyObject } from "../../request-fields.ts";
import { countTokens } from "../../token-count.ts";
import { recordUsage } from "../../usage-recording.ts";
import type { AddressedAgent } from "../agents/agent-access.ts";
import { agentChatRequest, parseAgentMessages, type AgentMessage } from "../agents/agent-messages.ts";
import { SPEAK_KEEPALIVE_MS, type SpeechObserver, type SpeechOutcome } from "../agents/agent-speech.ts";
import { choiceDeltas } from "../chat/chat-deltas.ts";
import { generateReply, type ChoiceReply } from "../chat/reply-generator.ts";
import { isResponse, usableAgentOfRoute } from "./public-agent-access.ts";
import { runObserver, startRun, type PublicRun } from "./public-runs.ts";

interface PublicChatPlan {
  readonly addressed: AddressedAgent;
  readonly messages: readonly AgentMessage[];
  readonly reply: ChoiceReply & { kind: "text" };
  readonly run: PublicRun;
  readonly id: string;
  /** Unix time in seconds, the same on every chunk. */
  readonly created: number;
  readonly promptTokens: number;
}

/**
 * Chats with a published or shared agent, which runs on the owner's model and config. Every
 * request starts a run, whose id is sent in `X-Run-Id`.
 */
export function createPublicAgentChatCompletion(context: OperationContext): MockResponse {
  const body = requireBodyObject(context.request.json);
  const messages = parseAgentMessages(body["messages"]);
  const stream = optionalBoolean(body, "stream") ?? false;
  const sessionId = optionalString(body, "sessionId");
  optionalString(body, "chatId");
  optionalNumber(body, "requestTimeoutMs", { minimum: 1, maximum: 1_800_000, integer: true });
  optionalNumber(body, "maxRetries", { minimum: 0, maximum: 10, integer: true });
  const addressed = usableAgentOfRoute(context);
  if (isResponse(addressed)) return addressed;

  const maxTokens = addressed.agent.config.modelOptions?.maxTokens;
  const request = agentChatRequest(addressed.agent.config.name, messages, maxTokens);
  const reply = generateReply(
    request,
    0,
    maxTokens ?? context.timing.model.chat.outputTokens,
    maxTokens,
    "call_public",
  );
  if (reply.kind !== "text") throw new Error("An agent reply without tools must be text.");
  const run = startRun(context, addressed, sessionId === "" ? undefined : sessionId);
  const plan: PublicChatPlan = {
    addressed,
    messages,
    reply,
    run,
    id: `chatcmpl-${run.runId}`,
    created: Math.floor(context.request.receivedAtEpochMs / 1000),
    promptTokens: messages.reduce((sum, message) => sum + countTokens(message.content ?? ""), 0),
  };
  return stream ? streamResponse(context, plan) : completionResponse(context, plan);
}

function usageOf(plan: PublicChatPlan, completionTokens: number): SpeechOutcome["usage"] {
  return {
    promptTokens: plan.promptTokens,
    completionTokens,
    totalTokens: plan.promptTokens + completionTokens,
  };
}

function record(
  context: OperationContext,
  plan: PublicChatPlan,
  completionTokens: number,
  error?: string,
): void {
  recordUsage(context.store, context.account, {
    chatId: plan.id,
    modelName: plan.addressed.agent.modelName,
    inputTokens: plan.promptTokens,
    outputTokens: completionTokens,
    startTime: context.request.receivedAtEpochMs,
    endTime: Date.now(),
    tools: false,
    ...(error === undefined ? {} : { error }),
  });
}

function completionResponse(context: OperationContext, plan: PublicChatPlan): MockResponse {
  const deltas = choiceDeltas(plan.reply, context.timing.model.chat.tokensPerChunk);
  const openAt = context.timing.responseStart(context.operation.operationId, context.request.receivedAt);
  const at =
    context.timing.chatDeltaTimes(context.request.receivedAt, openAt, deltas.length).at(-1) ?? openAt;
  const content = plan.reply.tokens.join("");
  const completionTokens = plan.reply.tokens.length;
  const observer = runObserver(plan.run);
  observer.onDelta(content);
  observer.onEnd({ status: "completed", usage: usageOf(plan, completionTokens) });
  record(context, plan, completionTokens);
  const usage = {
    prompt_tokens: plan.promptTokens,
    completion_tokens: completionTokens,
    total_tokens: plan.promptTokens + completionTokens,
  };
  return {
    kind: "json",
    status: 200,
    at,
    headers: { "x-run-id": plan.run.runId },
    body: {
      id: plan.id,
      object: "chat.completion",
      created: plan.created,
      model: plan.addressed.agent.config.name,
      choices: [
        { index: 0, message: { role: "assistant", content }, finish_reason: plan.reply.finishReason },
      ],
      usage,
    },
  };
}

/**
 * Builds the SSE response, with these frames in order:
 * - `status`, repeated every `SPEAK_KEEPALIVE_MS` until the first content.
 * - the role chunk, then content chunks at the chat timing model's delta times.
 * - the finish_reason chunk, the `chat.completion.context` event with the conversation to persist,
 *   the usage chunk and `[DONE]`.
 * A run cancel ends the content early with finish_reason `stop`.
 */
function streamResponse(context: OperationContext, plan: PublicChatPlan): MockResponse {
  const deltas = choiceDeltas(plan.reply, context.timing.model.chat.tokensPerChunk);
  const openAt = context.timing.responseStart(context.operation.operationId, context.request.receivedAt);
  const times = context.timing.chatDeltaTimes(context.request.receivedAt, openAt, deltas.length);
  const observer: SpeechObserver = runObserver(plan.run);
  const model = plan.addressed.agent.config.name;
  const epochOf = (at: number): number =>
    Math.round(context.request.receivedAtEpochMs + (at - context.request.receivedAt));
  const chunk = (choices: unknown[], usage: unknown = null): Record<string, unknown> => ({
    id: plan.id,
    object: "chat.completion.chunk",
    created: plan.created,
    model,
    choices,
    usage,
  });

  async function* frames(clientSignal: AbortSignal): AsyncGenerator<SseFrame> {
    const signal = AbortSignal.any([clientSignal, plan.run.canceller.signal]);
    let completionTokens = 0;
    let outcome: SpeechOutcome["status"] = "error";
    const text: string[] = [];
    try {
      yield { at: openAt, data: { type: "status", stage: "generating", time: epochOf(openAt) } };
      const firstAt = times[0] ?? openAt;
      for (let at = openAt + SPEAK_KEEPALIVE_MS; at < firstAt; at += SPEAK_KEEPALIVE_MS) {
        yield { at, data: { type: "status", stage: "generating", time: epochOf(at) } };
      }
      yield { at: openAt, data: chunk([{ index: 0, delta: { role: "assistant" }, finish_reason: null }]) };
      for (let step = 0; step < deltas.length; step += 1) {
        const at = times[step] as number;
        if (!(await context.scheduler.waitUntil(at, signal))) break;
        const delta = deltas[step];
        const content = String(delta?.delta["content"] ?? "");
        completionTokens += delta?.tokens ?? 0;
        text.push(content);
        observer.onDelta(content);
        yield { at, data: chunk([{ index: 0, delta: { content }, finish_reason: null }]) };
      }
      if (clientSignal.aborted) return;
      const cancelled = plan.run.canceller.signal.aborted;
      outcome = cancelled ? "cancelled" : "completed";
      // After a cancel the remaining frames are not part of the timing model, so they carry no planned time.
      const endAt = cancelled ? undefined : (times.at(-1) ?? openAt);
      const timed = (data: unknown): SseFrame => (endAt === undefined ? { data } : { at: endAt, data });
      const usage = usageOf(plan, completionTokens);
      yield timed(
        chunk([{ index: 0, delta: {}, finish_reason: cancelled ? "stop" : plan.reply.finishReason }]),
      );
      const assistant = { role: "assistant", content: text.join(""), tokenUsage: usage };
      yield timed({
        object: "chat.completion.context",
        messages: [...plan.messages.map((message) => message.record), assistant],
      });
      yield timed(
        chunk([], {
          prompt_tokens: usage.promptTokens,
          completion_tokens: usage.completionTokens,
          total_tokens: usage.totalTokens,
        }),
      );
      yield timed("[DONE]");
    } finally {
      const error = outcome === "error" ? "The client closed the stream." : undefined;
      observer.onEnd({
        status: outcome,
        ...(error === undefined ? {} : { errorMessage: error }),
        usage: usageOf(plan, completionTokens),
      });
      record(context, plan, completionTokens, error);
    }
  }

  return { kind: "sse", status: 200, at: openAt, headers: { "x-run-id": plan.run.runId }, frames };
}
