import type { ChatAgentRecord } from "../../agent-directory.ts";
import type { Account, MockStore } from "../../store.ts";
import type { TimingModel } from "../../timing-model.ts";
import { countTokens } from "../../token-count.ts";
import type { ChatRequest } from "../chat/chat-request.ts";
import { generateReply } from "../chat/reply-generator.ts";
import { FAILING_PROVIDER_MODEL, findModel } from "../models/model-records.ts";

/** Content deltas a failing provider streams before the step fails, as in chat streams. */
export const DELTAS_BEFORE_PROVIDER_FAILURE = 2;

/** The planned reply of one agent step: its content deltas and token counts. */
export interface AgentReply {
  /** Content deltas in order, each with the output tokens it carries. */
  readonly deltas: readonly { readonly text: string; readonly tokens: number }[];
  readonly promptTokens: number;
  /** The agent's model runs on the failing provider, so the step fails mid-stream. */
  readonly providerFails: boolean;
}

/**
 * Plans the reply of `agent` (owned by `owner`) to `input`, with the chat area's reply generator:
 * equal inputs get equal replies. The reply has the agent's own `maxTokens`, or the timing
 * model's output length, and is split into deltas of `tokensPerChunk` tokens.
 */
export function planAgentReply(
  store: MockStore,
  owner: Account,
  agent: ChatAgentRecord,
  input: string,
  timing: TimingModel,
): AgentReply {
  const request: ChatRequest = {
    model: agent.modelName,
    messages: [{ role: "user", text: input }],
    stream: true,
    includeUsage: true,
    maxTokens: agent.maxTokens,
    choiceCount: 1,
    tools: [],
    toolChoice: "none",
    responseFormat: { type: "text" },
    sessionId: undefined,
  };
  const outputTokens = agent.maxTokens ?? timing.chat.outputTokens;
  const reply = generateReply(request, 0, outputTokens, agent.maxTokens, "");
  const tokens = reply.kind === "text" ? reply.tokens : reply.argumentTokens;
  const size = timing.chat.tokensPerChunk;
  const deltas: { text: string; tokens: number }[] = [];
  for (let index = 0; index < tokens.length; index += size) {
    const slice = tokens.slice(index, index + size);
    deltas.push({ text: slice.join(""), tokens: slice.length });
  }
  return {
    deltas,
    promptTokens: countTokens(input),
    providerFails: findModel(store, owner, agent.modelName)?.model === FAILING_PROVIDER_MODEL,
  };
}
