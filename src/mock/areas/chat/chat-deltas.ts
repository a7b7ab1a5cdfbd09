import type { ChoiceReply } from "./reply-generator.ts";

/** One streamed `delta` object and the output tokens it carries. */
export interface StreamDelta {
  readonly delta: Record<string, unknown>;
  readonly tokens: number;
}

/**
 * The deltas a choice streams after its role chunk, `tokensPerChunk` tokens each. A tool call
 * starts with a delta that names the call and carries no tokens.
 */
export function choiceDeltas(reply: ChoiceReply, tokensPerChunk: number): StreamDelta[] {
  if (reply.kind === "text") {
    return group(reply.tokens, tokensPerChunk).map(({ text, tokens }) => ({
      delta: { content: text },
      tokens,
    }));
  }
  const header: StreamDelta = {
    delta: {
      tool_calls: [
        { index: 0, id: reply.callId, type: "function", function: { name: reply.name, arguments: "" } },
      ],
    },
    tokens: 0,
  };
  const pieces = group(reply.argumentTokens, tokensPerChunk).map(({ text, tokens }) => ({
    delta: { tool_calls: [{ index: 0, function: { arguments: text } }] },
    tokens,
  }));
  return [header, ...pieces];
}

/** Output tokens of a reply, as billed in `usage.completion_tokens`. */
export function replyTokenCount(reply: ChoiceReply): number {
  return reply.kind === "text" ? reply.tokens.length : reply.argumentTokens.length;
}

/** The assistant message of a non-streaming completion. */
export function replyMessage(reply: ChoiceReply): Record<string, unknown> {
  if (reply.kind === "text") return { role: "assistant", content: reply.tokens.join("") };
  return {
    role: "assistant",
    content: null,
    tool_calls: [
      {
        id: reply.callId,
        type: "function",
        function: { name: reply.name, arguments: reply.argumentTokens.join("") },
      },
    ],
  };
}

function group(tokens: readonly string[], size: number): { text: string; tokens: number }[] {
  const groups: { text: string; tokens: number }[] = [];
  for (let index = 0; index < tokens.length; index += size) {
    const slice = tokens.slice(index, index + size);
    groups.push({ text: slice.join(""), tokens: slice.length });
  }
  return groups;
}
