import type { OperationContext } from "../../area.ts";
import { registerCancellableWork } from "../../cancellable-sessions.ts";
import type { SseFrame, SseResponse } from "../../mock-response.ts";
import { recordUsage } from "../../usage-recording.ts";
import { choiceDeltas } from "./chat-deltas.ts";
import type { ChatRequest } from "./chat-request.ts";
import type { ChoiceReply } from "./reply-generator.ts";

/** Deltas a failing provider streams before its in-band error. */
const DELTAS_BEFORE_PROVIDER_FAILURE = 2;

export interface ChatStreamPlan {
  readonly id: string;
  /** Unix time in seconds, the same on every chunk. */
  readonly created: number;
  readonly request: ChatRequest;
  readonly replies: readonly ChoiceReply[];
  readonly promptTokens: number;
  /** Planned time the stream opens and the role chunks go out. */
  readonly openAt: number;
  /** The provider fails mid-stream with an in-band error. */
  readonly providerFails: boolean;
}

/**
 * Builds the SSE response of a streaming completion. Frames follow the timing model: the role
 * chunk of each choice when the stream opens, content deltas at the planned delta times, then
 * the finish_reason chunks, the usage chunk when `stream_options.include_usage` is set, and
 * `[DONE]`. `POST /v1/chat/cancel` with the stream's session id ends the deltas early; the
 * finish, usage and `[DONE]` frames still follow, so clients see a well-formed stream.
 */
export function chatStreamResponse(context: OperationContext, plan: ChatStreamPlan): SseResponse {
  const { request, replies } = plan;
  const tokensPerChunk = context.timing.model.chat.tokensPerChunk;
  const deltas = replies.map((reply) => choiceDeltas(reply, tokensPerChunk));
  const stepCount = Math.max(...deltas.map((list) => list.length));
  const times = context.timing.chatDeltaTimes(context.request.receivedAt, plan.openAt, stepCount);
  const canceller = new AbortController();

  const chunk = (choices: unknown[], usage?: unknown): Record<string, unknown> => {
    const body: Record<string, unknown> = {
      id: plan.id,
      object: "chat.completion.chunk",
      created: plan.created,
      model: request.model,
      choices,
    };
    if (request.includeUsage) body["usage"] = usage ?? null;
    return body;
  };

  async function* frames(clientSignal: AbortSignal): AsyncGenerator<SseFrame> {
    const signal = AbortSignal.any([clientSignal, canceller.signal]);
    const unregister =
      request.sessionId === undefined
        ? undefined
        : registerCancellableWork(context.store, context.account, {
            sessionId: request.sessionId,
            cancel: () => canceller.abort(),
          });
    const sentTokens = replies.map(() => 0);
    let error: string | undefined;
    try {
      for (let index = 0; index < replies.length; index += 1) {
        yield {
          at: plan.openAt,
          data: chunk([{ index, delta: { role: "assistant" }, finish_reason: null }]),
        };
      }
      for (let step = 0; step < stepCount; step += 1) {
        const at = times[step] as number;
        if (!(await context.scheduler.waitUntil(at, signal))) break;
        if (plan.providerFails && step === DELTAS_BEFORE_PROVIDER_FAILURE) {
          error = "The upstream provider failed mid-stream (simulated by the mock).";
          yield { at, data: { error: { message: error, type: "server_error", code: "provider_error" } } };
          yield { at, data: "[DONE]" };
          return;
        }
        for (let index = 0; index < replies.length; index += 1) {
          const next = deltas[index]?.[step];
          if (next === undefined) continue;
          sentTokens[index] = (sentTokens[index] ?? 0) + next.tokens;
          yield { at, data: chunk([{ index, delta: next.delta, finish_reason: null }]) };
        }
      }
      if (clientSignal.aborted) {
        error = "The client closed the stream.";
        return;
      }
      const cancelled = canceller.signal.aborted;
      if (cancelled) error = "Cancelled with POST /v1/chat/cancel.";
      // After a cancel the remaining frames are not part of the timing model, so they carry no planned time.
      const endAt = cancelled ? undefined : times.at(-1);
      const timed = (frame: Omit<SseFrame, "at">): SseFrame =>
        endAt === undefined ? frame : { ...frame, at: endAt };
      for (let index = 0; index < replies.length; index += 1) {
        const finishReason = cancelled ? "stop" : (replies[index] as ChoiceReply).finishReason;
        yield timed({ data: chunk([{ index, delta: {}, finish_reason: finishReason }]) });
      }
      if (request.includeUsage) yield timed({ data: chunk([], usageOf(plan.promptTokens, sentTokens)) });
      yield timed({ data: "[DONE]" });
    } finally {
      unregister?.();
      const usage = usageOf(plan.promptTokens, sentTokens);
      recordUsage(context.store, context.account, {
        chatId: plan.id,
        modelName: request.model,
        inputTokens: usage.prompt_tokens,
        outputTokens: usage.completion_tokens,
        startTime: context.request.receivedAtEpochMs,
        endTime: Date.now(),
        tools: request.tools.length > 0,
        ...(error === undefined ? {} : { error }),
      });
    }
  }

  return { kind: "sse", status: 200, at: plan.openAt, frames };
}

export function usageOf(
  promptTokens: number,
  completionTokens: readonly number[],
): { prompt_tokens: number; completion_tokens: number; total_tokens: number } {
  const completion = completionTokens.reduce((sum, count) => sum + count, 0);
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completion,
    total_tokens: promptTokens + completion,
  };
}
