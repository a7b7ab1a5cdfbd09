import { CHAT_AGENTS } from "../../agent-directory.ts";
import type { OperationContext } from "../../area.ts";
import { registerCancellableWork } from "../../cancellable-sessions.ts";
import { requiredMessageList } from "../../message-fields.ts";
import type { SseFrame, SseResponse } from "../../mock-response.ts";
import {
  InvalidRequestError,
  isJsonObject,
  optionalNumber,
  optionalObject,
  optionalString,
  requireBodyObject,
  requiredString,
  type JsonObject,
} from "../../request-fields.ts";
import { recordUsage, type LLMUsageMetric } from "../../usage-recording.ts";
import { DELTAS_BEFORE_PROVIDER_FAILURE, planAgentReply, type AgentReply } from "./agent-replies.ts";
import { resolveHelperSelector, type WorkflowAgent } from "./agent-refs.ts";
import {
  DataInterpolationError,
  DEFAULT_DELIMITER,
  parseHelperTokens,
  renderMainPrompt,
  resolveHelperInput,
  type HelperToken,
} from "./prompt-templates.ts";

/** A validated `POST /v1/core/agent-workflow` body. */
interface AgentWorkflowRequest {
  readonly agentName: string;
  readonly messages: readonly { readonly role: string; readonly content: string }[];
  readonly data: JsonObject;
  readonly delimiter: string;
  readonly concurrency: number;
  readonly failureMessage: string;
  readonly failureInstruction: string;
}

/** One planned frame of the stream, with the usage row to record when it is sent. */
interface PlannedFrame {
  readonly at: number;
  readonly payload: Record<string, unknown>;
  readonly usage?: Omit<LLMUsageMetric, "username">;
}

const PROVIDER_FAILURE = "The upstream provider failed (simulated by the mock).";

/**
 * Runs a workflow at once from an agent and a message list, without a saved config, and streams
 * its events. The mock has no agent prompts, so the helper tokens and `{{ path }}` templates are
 * taken from the last user message. The run id goes only in the `X-Run-Id` header, and
 * `POST /v1/chat/cancel` with the `x-session-id` or the run id stops the stream.
 * NOTE: the mock's agents neither call tools nor think aloud, so the `tool_call_*` and `thinking_*`
 * events of this stream are never sent.
 */
export function streamAgentWorkflow(context: OperationContext): SseResponse {
  const request = parseAgentWorkflowRequest(context.request.json);
  const runId = context.store.nextId("run");
  const openAt = context.timing.responseStart(context.operation.operationId, context.request.receivedAt);
  const plan = planAgentWorkflow(context, request, runId, openAt);
  const sessionId = context.request.headers["x-session-id"];
  const canceller = new AbortController();

  async function* frames(clientSignal: AbortSignal): AsyncGenerator<SseFrame> {
    const signal = AbortSignal.any([clientSignal, canceller.signal]);
    const unregister = registerCancellableWork(context.store, context.account, {
      runId,
      ...(sessionId === undefined || sessionId === "" ? {} : { sessionId }),
      cancel: () => canceller.abort(),
    });
    try {
      for (const frame of plan) {
        if (!(await context.scheduler.waitUntil(frame.at, signal))) break;
        if (frame.usage !== undefined) recordUsage(context.store, context.account, frame.usage);
        yield { at: frame.at, data: frame.payload };
      }
      if (clientSignal.aborted) return;
      // NOTE: the reference pages name no cancellation event for this stream; the mock sends a status event.
      if (canceller.signal.aborted) {
        yield { data: { type: "status", message: "The workflow was cancelled." } };
        yield { data: "[DONE]" };
        return;
      }
      const doneAt = plan.at(-1)?.at;
      yield doneAt === undefined ? { data: "[DONE]" } : { at: doneAt, data: "[DONE]" };
    } finally {
      unregister();
    }
  }

  return { kind: "sse", status: 200, at: openAt, headers: { "x-run-id": runId }, frames };
}

function parseAgentWorkflowRequest(json: unknown): AgentWorkflowRequest {
  const body = requireBodyObject(json);
  const agentName = requiredString(body, "agentName");
  const messages = requiredMessageList(body["messages"], { minItems: 0 }).map((message, index) => {
    if (
      !isJsonObject(message) ||
      typeof message["role"] !== "string" ||
      typeof message["content"] !== "string"
    ) {
      throw new InvalidRequestError(
        `messages[${index}] must be an object with string role and content.`,
        "messages",
      );
    }
    return { role: message["role"], content: message["content"] };
  });
  const delimiter = optionalString(body, "delimiter");
  if (delimiter === "")
    throw new InvalidRequestError("delimiter is empty; send a non-empty separator such as |#|.", "delimiter");
  return {
    agentName,
    messages,
    data: optionalObject(body, "data") ?? {},
    delimiter: delimiter ?? DEFAULT_DELIMITER,
    concurrency: optionalNumber(body, "concurrency", { minimum: 1, integer: true }) ?? 1,
    failureMessage: optionalString(body, "failureMessage") ?? "",
    failureInstruction: optionalString(body, "failureInstruction") ?? "",
  };
}

interface PlannedHelper {
  readonly token: HelperToken;
  readonly agent: WorkflowAgent;
  readonly reply: AgentReply;
}

/** Converts planned times on the `performance.now()` clock into Unix times in ms. */
type EpochOf = (at: number) => number;

/** Plans every frame of the stream, from the first status event to the last event before `[DONE]`. */
function planAgentWorkflow(
  context: OperationContext,
  request: AgentWorkflowRequest,
  runId: string,
  openAt: number,
): PlannedFrame[] {
  const { store, account } = context;
  const frames: PlannedFrame[] = [
    { at: openAt, payload: { type: "status", message: "Resolving the workflow agents." } },
  ];
  const fail = (message: string): PlannedFrame[] => [
    ...frames,
    { at: openAt, payload: { type: "error", message } },
  ];

  const agent = store.slot(account, CHAT_AGENTS).get(request.agentName);
  if (agent === undefined) return fail(`Agent ${request.agentName} was not found.`);
  const prompt = [...request.messages].reverse().find((message) => message.role === "user")?.content ?? "";

  const helpers: PlannedHelper[] = [];
  let mainPrompt: string;
  try {
    for (const token of parseHelperTokens(prompt, request.delimiter)) {
      const helper = resolveHelperSelector(store, account, token.selector);
      if (helper === undefined) return fail(`Helper selector ${token.selector} could not be resolved.`);
      const input = resolveHelperInput(token.dataKey, request.data);
      helpers.push({
        token,
        agent: helper,
        reply: planAgentReply(store, helper.owner, helper.agent, input, context.timing.model),
      });
    }
    mainPrompt = renderMainPrompt(prompt, request.delimiter, request.data, (index) => {
      const helper = helpers[index];
      if (helper === undefined || helper.reply.providerFails) return request.failureMessage;
      return replyText(helper.reply);
    });
  } catch (error) {
    if (!(error instanceof DataInterpolationError)) throw error;
    return fail(error.message);
  }
  if (helpers.some((helper) => helper.reply.providerFails) && request.failureInstruction !== "") {
    mainPrompt = `${mainPrompt}\n\n${request.failureInstruction}`;
  }

  const epochOf: EpochOf = (at) =>
    Math.round(context.request.receivedAtEpochMs + (at - context.request.receivedAt));
  frames.push({ at: openAt, payload: { type: "workflow_started", agentName: agent.name } });
  const mainStart = planHelperFrames(context, request.concurrency, helpers, openAt, epochOf, frames);
  const reply = planAgentReply(store, account, agent, mainPrompt, context.timing.model);
  planMainFrames(context, runId, agent.modelName, reply, helpers, mainStart, epochOf, frames);
  return frames;
}

/**
 * Adds the frames of the helpers, run in batches of `concurrency` from `startAt`: each helper's
 * start, then its completion (or a status event for a failure) at the chat timing model's end of
 * its reply. Returns the time the last batch ends.
 */
function planHelperFrames(
  context: OperationContext,
  concurrency: number,
  helpers: readonly PlannedHelper[],
  startAt: number,
  epochOf: EpochOf,
  frames: PlannedFrame[],
): number {
  let batchStart = startAt;
  for (let first = 0; first < helpers.length; first += concurrency) {
    const ends: PlannedFrame[] = [];
    for (const { token, agent, reply } of helpers.slice(first, first + concurrency)) {
      const name = agent.agent.name;
      frames.push({
        at: batchStart,
        payload: { type: "helper_started", agentName: name, patternIndex: token.patternIndex },
      });
      const { end, outputTokens } = replyEnd(context, reply, batchStart);
      const usage = {
        chatId: context.store.nextId("chat"),
        modelName: agent.agent.modelName,
        inputTokens: reply.promptTokens,
        outputTokens,
        startTime: epochOf(batchStart),
        endTime: epochOf(end),
        tools: false,
        ...(reply.providerFails ? { error: PROVIDER_FAILURE } : {}),
      };
      const payload = reply.providerFails
        ? { type: "status", message: `Helper ${name} failed: ${PROVIDER_FAILURE}` }
        : { type: "helper_completed", agentName: name, patternIndex: token.patternIndex };
      ends.push({ at: end, payload, usage });
    }
    ends.sort((a, b) => a.at - b.at);
    frames.push(...ends);
    batchStart = Math.max(batchStart, ...ends.map((frame) => frame.at));
  }
  return batchStart;
}

/**
 * Adds the main agent's frames from `startAt`: `message_start`, the content deltas, then
 * `message_stop`, `final_result` and `workflow_completed`, or an `error` when its provider fails.
 */
function planMainFrames(
  context: OperationContext,
  runId: string,
  modelName: string,
  reply: AgentReply,
  helpers: readonly PlannedHelper[],
  startAt: number,
  epochOf: EpochOf,
  frames: PlannedFrame[],
): void {
  const times = context.timing.chatDeltaTimes(startAt, startAt, reply.deltas.length);
  const { end, sent, outputTokens } = replyEnd(context, reply, startAt);
  frames.push({ at: startAt, payload: { type: "message_start" } });
  for (let index = 0; index < sent; index += 1) {
    frames.push({
      at: times[index] as number,
      payload: { type: "content_delta", content: reply.deltas[index]?.text ?? "" },
    });
  }
  const usage = {
    chatId: runId,
    modelName,
    inputTokens: reply.promptTokens,
    outputTokens,
    startTime: epochOf(startAt),
    endTime: epochOf(end),
    tools: false,
  };
  if (reply.providerFails) {
    frames.push({
      at: end,
      payload: { type: "error", message: PROVIDER_FAILURE },
      usage: { ...usage, error: PROVIDER_FAILURE },
    });
    return;
  }

  let promptTokens = reply.promptTokens;
  let completionTokens = outputTokens;
  for (const helper of helpers) {
    if (helper.reply.providerFails) continue;
    promptTokens += helper.reply.promptTokens;
    completionTokens += tokenCount(helper.reply);
  }
  frames.push(
    { at: end, payload: { type: "message_stop" } },
    { at: end, payload: { type: "final_result", content: replyText(reply) }, usage },
    {
      at: end,
      payload: {
        type: "workflow_completed",
        usage: { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens },
      },
    },
  );
}

/**
 * Returns when a reply started at `startAt` ends, how many deltas it sends and their tokens. A
 * failing provider stops after `DELTAS_BEFORE_PROVIDER_FAILURE` deltas and fails when the next
 * delta was due.
 */
function replyEnd(
  context: OperationContext,
  reply: AgentReply,
  startAt: number,
): { end: number; sent: number; outputTokens: number } {
  const times = context.timing.chatDeltaTimes(startAt, startAt, reply.deltas.length);
  const sent = reply.providerFails
    ? Math.min(DELTAS_BEFORE_PROVIDER_FAILURE, reply.deltas.length)
    : reply.deltas.length;
  const end = (reply.providerFails ? times[sent] : undefined) ?? times.at(-1) ?? startAt;
  const outputTokens = reply.deltas.slice(0, sent).reduce((sum, delta) => sum + delta.tokens, 0);
  return { end, sent, outputTokens };
}

function replyText(reply: AgentReply): string {
  return reply.deltas.map((delta) => delta.text).join("");
}

function tokenCount(reply: AgentReply): number {
  return reply.deltas.reduce((sum, delta) => sum + delta.tokens, 0);
}
