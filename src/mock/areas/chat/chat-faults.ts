import type { FaultDefinition, FrameTransform } from "../../fault-registry.ts";
import { encodeSseFrame, type SseFrame } from "../../mock-response.ts";

type Chunk = Record<string, unknown> & { choices: Record<string, unknown>[] };

function isChunk(frame: SseFrame): frame is SseFrame & { data: Chunk } {
  const data = frame.data as Record<string, unknown> | undefined;
  return typeof data === "object" && data !== null && data["object"] === "chat.completion.chunk";
}

function hasFinishReason(chunk: Chunk): boolean {
  return chunk.choices.some((choice) => typeof choice["finish_reason"] === "string");
}

/** Builds a frame transform that rewrites chunk payloads and passes other frames through. */
function mapChunks(change: (chunk: Chunk, position: number) => Chunk): () => FrameTransform {
  return () => {
    let position = 0;
    return (frame) => {
      if (!isChunk(frame)) return [frame];
      const changed = change(frame.data, position);
      position += 1;
      return [{ ...frame, data: changed }];
    };
  };
}

const STREAM = ["createChatCompletion"];

export const CHAT_FAULTS = {
  doneMissing: {
    name: "chat-stream-done-missing",
    area: "chat",
    kind: "sse-framing",
    rule: "A chat stream ends with data: [DONE].",
    operations: STREAM,
    createFrameTransform: () => (frame) => (frame.data === "[DONE]" ? [] : [frame]),
  },
  framesNotSeparated: {
    name: "chat-stream-events-not-separated",
    area: "chat",
    kind: "sse-framing",
    rule: "Each SSE event of a chat stream ends with a blank line.",
    operations: STREAM,
    createFrameTransform: () => (frame) => {
      if (!isChunk(frame)) return [frame];
      return [{ ...frame, raw: encodeSseFrame(frame).slice(0, -1) }];
    },
  },
  firstChunkWithoutRole: {
    name: "chat-stream-first-chunk-without-role",
    area: "chat",
    kind: "sse-order",
    rule: "The first chunk of a chat stream carries delta.role = assistant.",
    operations: STREAM,
    createFrameTransform: mapChunks((chunk, position) =>
      position === 0
        ? { ...chunk, choices: chunk.choices.map((choice) => ({ ...choice, delta: { content: "" } })) }
        : chunk,
    ),
  },
  idChanges: {
    name: "chat-stream-id-changes",
    area: "chat",
    kind: "sse-order",
    rule: "Every chunk of a chat stream has the same id.",
    operations: STREAM,
    createFrameTransform: mapChunks((chunk, position) =>
      position === 0 ? chunk : { ...chunk, id: `${String(chunk["id"])}-${position}` },
    ),
  },
  twoFinishReasons: {
    name: "chat-stream-two-finish-reasons",
    area: "chat",
    kind: "sse-order",
    rule: "Each choice of a chat stream sets finish_reason exactly once, on its last chunk.",
    operations: STREAM,
    createFrameTransform: () => (frame) =>
      isChunk(frame) && hasFinishReason(frame.data) ? [frame, frame] : [frame],
  },
  usageOnEveryChunk: {
    name: "chat-stream-usage-on-every-chunk",
    area: "chat",
    kind: "sse-order",
    rule: "Only the final chunk, with empty choices, carries usage; the others have none or null.",
    operations: STREAM,
    createFrameTransform: mapChunks((chunk) =>
      chunk.choices.length === 0
        ? chunk
        : { ...chunk, usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } },
    ),
  },
  toolCallWithoutIndex: {
    name: "chat-stream-tool-call-without-index",
    area: "chat",
    kind: "body-schema",
    rule: "Every tool-call delta of a chat stream carries its index.",
    operations: STREAM,
    createFrameTransform: mapChunks((chunk) => ({
      ...chunk,
      choices: chunk.choices.map((choice) => {
        const delta = choice["delta"] as Record<string, unknown> | undefined;
        const calls = delta?.["tool_calls"];
        if (!Array.isArray(calls)) return choice;
        const withoutIndex = calls.map((call: Record<string, unknown>) => {
          const { index: _index, ...rest } = call;
          return rest;
        });
        return { ...choice, delta: { ...delta, tool_calls: withoutIndex } };
      }),
    })),
  },
  errorNonStandard: {
    name: "chat-stream-error-nonstandard",
    area: "chat",
    kind: "body-schema",
    rule: "An in-band stream error is sent as { error: { message, type } }.",
    operations: STREAM,
    createFrameTransform: () => (frame) => {
      const data = frame.data as Record<string, unknown> | undefined;
      const error =
        typeof data === "object" && data !== null
          ? (data["error"] as Record<string, unknown> | undefined)
          : undefined;
      if (error === undefined) return [frame];
      return [{ ...frame, data: { status: "error", detail: error["message"] } }];
    },
  },
  servedAsTextPlain: {
    name: "chat-stream-served-as-text-plain",
    area: "chat",
    kind: "header",
    rule: "A chat stream is served with Content-Type: text/event-stream.",
    operations: STREAM,
    transformResponse: (response) =>
      response.kind === "sse" ? { ...response, contentType: "text/plain; charset=utf-8" } : response,
  },
  choicesMissing: {
    name: "chat-completion-choices-missing",
    area: "chat",
    kind: "body-schema",
    rule: "A chat completion carries its choices.",
    operations: STREAM,
    transformResponse: (response) => {
      if (response.kind !== "json" || response.status !== 200) return response;
      const { choices: _choices, ...rest } = response.body as Record<string, unknown>;
      return { ...response, body: rest };
    },
  },
  createdAsString: {
    name: "chat-completion-created-as-string",
    area: "chat",
    kind: "body-schema",
    rule: "A chat completion's created is an integer Unix time.",
    operations: STREAM,
    transformResponse: (response) => {
      if (response.kind !== "json" || response.status !== 200) return response;
      const body = response.body as Record<string, unknown>;
      return {
        ...response,
        body: { ...body, created: new Date(Number(body["created"]) * 1000).toISOString() },
      };
    },
  },
  jsonModeInvalid: {
    name: "chat-json-mode-invalid-json",
    area: "chat",
    kind: "body-schema",
    rule: "With a json_object or json_schema response_format, the reply content is valid JSON.",
  },
  modelAcrossAccounts: {
    name: "chat-model-across-accounts",
    area: "chat",
    kind: "namespacing",
    rule: "Chat resolves model names only in the caller's account.",
  },
  sharedAgentUnshared: {
    name: "chat-shared-agent-without-share",
    area: "chat",
    kind: "namespacing",
    rule: "Chat resolves shared/<owner>/<slug> only for the owner and the accounts the agent is shared with.",
  },
  blankSessionAccepted: {
    name: "chat-cancel-blank-session-accepted",
    area: "chat",
    kind: "status-code",
    rule: "POST /v1/chat/cancel with a missing or blank sessionId returns 400.",
  },
} satisfies Record<string, FaultDefinition>;
