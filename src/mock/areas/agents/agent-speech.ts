import type { OperationContext } from "../../area.ts";
import type { SseFrame, SseResponse } from "../../mock-response.ts";
import {
  InvalidRequestError,
  optionalNumber,
  optionalObject,
  typeName,
  type JsonObject,
} from "../../request-fields.ts";
import type { Account, MockStore } from "../../store.ts";
import { countTokens } from "../../token-count.ts";
import { recordUsage } from "../../usage-recording.ts";
import { encodeSpeech, isAudioFormat, type AudioFormat } from "../audio/audio-formats.ts";
import { choiceDeltas } from "../chat/chat-deltas.ts";
import { generateReply } from "../chat/reply-generator.ts";
import { findProvider } from "../providers/provider-records.ts";
import { AUDIO_PROVIDERS, findVoice } from "../voices/voice-records.ts";
import { agentChatRequest, type AgentMessage } from "./agent-messages.ts";
import type { AgentRecord } from "./agent-records.ts";

/** Raw audio bytes per `audio_chunk` event, before base64. */
const AUDIO_CHUNK_BYTES = 16 * 1024;

/** Interval of the `status` keepalive events while the agent has not started its reply, in ms. */
export const SPEAK_KEEPALIVE_MS = 10_000;

/** Audio format of the speak routes when neither the request nor the agent's voice names one. */
const DEFAULT_SPEAK_FORMAT: AudioFormat = "opus";

/** Per-request speech settings (`ttsOverrides`). */
export interface TtsOverrides {
  readonly responseFormat?: AudioFormat;
  readonly speed?: number;
}

/** Token counts of an agent reply in the camelCase form of the speak streams. */
export interface SpeechUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly totalTokens: number;
}

/** The end state of a speak stream. */
export interface SpeechOutcome {
  readonly status: "completed" | "error" | "cancelled";
  readonly errorMessage?: string;
  readonly usage: SpeechUsage;
}

/** Receives the progress of a speak stream, for the run behind a public speak stream. */
export interface SpeechObserver {
  onDelta(text: string): void;
  onEnd(outcome: SpeechOutcome): void;
}

export interface SpeechPlan {
  readonly owner: Account;
  readonly agent: AgentRecord;
  readonly messages: readonly AgentMessage[];
  readonly overrides: TtsOverrides;
  /** The run behind the stream. When it is set, the stream opens with a `run` event. */
  readonly runId?: string;
  /** Whether a `usage` event follows the audio. */
  readonly sendUsage: boolean;
  readonly observer?: SpeechObserver;
  /** Aborts the stream from outside, as a run cancel does. */
  readonly cancel?: AbortSignal;
}

/** Reads `ttsOverrides`. The mock checks that `ttsOptions` is an object and otherwise ignores it. */
export function parseTtsOverrides(body: JsonObject): TtsOverrides {
  const overrides = optionalObject(body, "ttsOverrides");
  if (overrides === undefined) return {};
  const responseFormat = overrides["responseFormat"];
  if (responseFormat !== undefined && !isAudioFormat(responseFormat)) {
    throw new InvalidRequestError(
      `ttsOverrides.responseFormat must be mp3, opus, aac, flac, wav or pcm, ` +
        `received ${typeName(responseFormat)}.`,
      "ttsOverrides",
    );
  }
  const speed = optionalNumber(overrides, "speed", { minimum: 0.25, maximum: 4 });
  optionalObject(overrides, "ttsOptions");
  return {
    ...(responseFormat === undefined ? {} : { responseFormat }),
    ...(speed === undefined ? {} : { speed }),
  };
}

type VoiceResolution = { readonly format: AudioFormat; readonly speed: number } | { readonly error: string };

/** Finds the owner's saved voice of the agent and the provider that synthesizes it. */
function resolveVoice(
  store: MockStore,
  owner: Account,
  agent: AgentRecord,
  overrides: TtsOverrides,
): VoiceResolution {
  const voice = agent.config.voice;
  if (voice === undefined || voice === null) {
    return {
      error: `The agent ${agent.config.name} has no saved voice; set voice.savedVoiceName on the agent.`,
    };
  }
  const saved = findVoice(store, owner, voice.savedVoiceName);
  if (saved === undefined) {
    return {
      error: `The agent's saved voice ${voice.savedVoiceName} does not exist in the owner's account.`,
    };
  }
  if (!AUDIO_PROVIDERS.tts.has(saved.providerKey)) {
    return { error: `Provider ${saved.providerKey} of voice ${saved.name} does not support text-to-speech.` };
  }
  const configured = findProvider(store, owner, saved.providerKey) !== undefined;
  if (!configured && !(saved.providerKey === "elevenlabs" && saved.temporaryApiKey !== undefined)) {
    return {
      error: `Provider ${saved.providerKey} of voice ${saved.name} is not configured for the agent's owner.`,
    };
  }
  // Groq's TTS produces WAV whatever format was asked for, as on the audio routes.
  const format =
    saved.providerKey === "groq"
      ? "wav"
      : (overrides.responseFormat ?? voice.responseFormat ?? DEFAULT_SPEAK_FORMAT);
  return { format, speed: overrides.speed ?? voice.speed ?? saved.speed ?? 1 };
}

/**
 * Builds the SSE response of a speak route, with these frames in order:
 * - `run` (public speak only), then `status` with stage `generating`, repeated every
 *   `SPEAK_KEEPALIVE_MS` until the first text.
 * - `text_delta` at the chat timing model's delta times, then `message_stop`.
 * - `status` with stage `audio`, `audio_chunk` events that join into one audio file, `audio_stop`.
 * - `usage` when `sendUsage` is set, then `[DONE]`.
 * A voice that cannot speak gives an `error` event and `[DONE]` after the first status.
 */
export function speechStreamResponse(context: OperationContext, plan: SpeechPlan): SseResponse {
  const { agent, owner } = plan;
  const timing = context.timing;
  const maxTokens = agent.config.modelOptions?.maxTokens;
  const request = agentChatRequest(agent.config.name, plan.messages, maxTokens);
  const reply = generateReply(
    request,
    0,
    maxTokens ?? timing.model.chat.outputTokens,
    maxTokens,
    "call_speak",
  );
  const deltas = choiceDeltas(reply, timing.model.chat.tokensPerChunk);
  const openAt = timing.responseStart(context.operation.operationId, context.request.receivedAt);
  const times = timing.chatDeltaTimes(context.request.receivedAt, openAt, deltas.length);
  const voice = resolveVoice(context.store, owner, agent, plan.overrides);
  const promptTokens = plan.messages.reduce((sum, message) => sum + countTokens(message.content ?? ""), 0);
  const usageId = plan.runId ?? context.store.nextId("speak");
  const epochOf = (at: number): number =>
    Math.round(context.request.receivedAtEpochMs + (at - context.request.receivedAt));

  async function* frames(clientSignal: AbortSignal): AsyncGenerator<SseFrame> {
    const signal = plan.cancel === undefined ? clientSignal : AbortSignal.any([clientSignal, plan.cancel]);
    let completionTokens = 0;
    let outcome: Omit<SpeechOutcome, "usage"> = {
      status: "error",
      errorMessage: "The client closed the stream.",
    };
    try {
      if (plan.runId !== undefined) yield { at: openAt, data: { type: "run", runId: plan.runId } };
      yield { at: openAt, data: { type: "status", stage: "generating", time: epochOf(openAt) } };
      if ("error" in voice) {
        outcome = { status: "error", errorMessage: voice.error };
        yield { at: openAt, data: { type: "error", message: voice.error } };
        yield { at: openAt, data: "[DONE]" };
        return;
      }
      const firstAt = times[0] ?? openAt;
      for (let at = openAt + SPEAK_KEEPALIVE_MS; at < firstAt; at += SPEAK_KEEPALIVE_MS) {
        yield { at, data: { type: "status", stage: "generating", time: epochOf(at) } };
      }
      const text: string[] = [];
      for (let step = 0; step < deltas.length; step += 1) {
        const at = times[step] as number;
        if (!(await context.scheduler.waitUntil(at, signal))) break;
        const delta = deltas[step];
        const content = String(delta?.delta["content"] ?? "");
        completionTokens += delta?.tokens ?? 0;
        text.push(content);
        plan.observer?.onDelta(content);
        yield { at, data: { type: "text_delta", content } };
      }
      if (clientSignal.aborted) return;
      const endAt = times.at(-1) ?? openAt;
      if (plan.cancel?.aborted === true) {
        outcome = { status: "cancelled", errorMessage: "The run was cancelled." };
        yield { data: { type: "error", message: "The run was cancelled." } };
        yield { data: "[DONE]" };
        return;
      }
      yield { at: endAt, data: { type: "message_stop" } };
      yield { at: endAt, data: { type: "status", stage: "audio", time: epochOf(endAt) } };
      const audio = encodeSpeech(text.join(""), voice.speed, voice.format);
      for (let offset = 0; offset < audio.length; offset += AUDIO_CHUNK_BYTES) {
        const piece = audio.subarray(offset, offset + AUDIO_CHUNK_BYTES);
        yield { at: endAt, data: { type: "audio_chunk", b64: Buffer.from(piece).toString("base64") } };
      }
      yield { at: endAt, data: { type: "audio_stop" } };
      outcome = { status: "completed" };
      if (plan.sendUsage) {
        yield {
          at: endAt,
          data: {
            type: "usage",
            promptTokens,
            completionTokens,
            totalTokens: promptTokens + completionTokens,
          },
        };
      }
      yield { at: endAt, data: "[DONE]" };
    } finally {
      const usage = { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens };
      plan.observer?.onEnd({ ...outcome, usage });
      recordUsage(context.store, context.account, {
        chatId: usageId,
        modelName: agent.modelName,
        inputTokens: promptTokens,
        outputTokens: completionTokens,
        startTime: context.request.receivedAtEpochMs,
        endTime: Date.now(),
        tools: false,
        ...(outcome.errorMessage === undefined ? {} : { error: outcome.errorMessage }),
      });
    }
  }

  return { kind: "sse", status: 200, at: openAt, frames };
}
