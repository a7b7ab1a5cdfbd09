import { CHAT_AGENTS } from "../../agent-directory.ts";
import type { RequestContext } from "../../area.ts";
import type { JsonObject } from "../../request-fields.ts";
import {
  CALLABLE_MCP_TOOLS,
  STARTABLE_FACTORIES,
  STARTABLE_WORKFLOWS,
  mcpToolKey,
  type DispatchOutcome,
  type StartableConfig,
} from "../../run-directory.ts";
import type { Account, AccountSlot } from "../../store.ts";
import { countTokens } from "../../token-count.ts";
import { recordUsage } from "../../usage-recording.ts";
import type { ChatRequest } from "../chat/chat-request.ts";
import { generateReply } from "../chat/reply-generator.ts";
import { FAILING_PROVIDER_MODEL, findModel } from "../models/model-records.ts";
import { renderTemplate } from "./payload-paths.ts";
import type { ActionParams, TriggerConfig } from "./webhook-config.ts";

/** An action's outcome and when it ends. */
export interface ActionRun {
  readonly outcome: DispatchOutcome;
  /** Scheduler time at which the action ends: the last reply token of an agent, at once for the others. */
  readonly completesAt: number;
}

/** The trigger call an action runs for. */
export interface ActionInput {
  /** The account that owns the webhook; the action runs there. */
  readonly owner: Account;
  readonly body: JsonObject;
  /** The transformed payload, when the webhook has a `payloadTransform`. */
  readonly transformed: JsonObject | undefined;
}

/**
 * Runs the webhook's action against the mock's own store: an agent of `CHAT_AGENTS`, a workflow or
 * factory of the run directory, or an MCP tool of the directory.
 * NOTE: `resultWebhookUrl` is never called, because the mock makes no outbound requests.
 */
export function runAction(context: RequestContext, config: TriggerConfig, input: ActionInput): ActionRun {
  const params = config.actionParams;
  const receivedAt = context.request.receivedAt;
  const now = (outcome: DispatchOutcome): ActionRun => ({ outcome, completesAt: receivedAt });
  switch (config.action) {
    case "run_agent":
      return runAgent(context, params, input);
    case "run_workflow":
      return now(
        startRun(
          context,
          STARTABLE_WORKFLOWS,
          "workflow",
          params.workflowId,
          runPayload(input, params.dataPayload),
          input.owner,
        ),
      );
    case "run_factory":
      return now(
        startRun(
          context,
          STARTABLE_FACTORIES,
          "factory config",
          params.factoryConfigId,
          runPayload(input, params.initialCarryPayload),
          input.owner,
        ),
      );
    case "call_mcp_tool":
      return now(callTool(context, params, input));
    case "custom":
      return now({
        ok: true,
        result: { success: true, message: "The custom action acknowledged the call." },
      });
  }
}

function failed(message: string): DispatchOutcome {
  return { ok: false, status: 500, message };
}

/**
 * Picks the payload a run starts with, in the documented order: the transformed payload, the
 * static payload of the action, the request body when it is a non-empty object, else the config's own.
 */
function runPayload(input: ActionInput, staticPayload: string | undefined): string | undefined {
  if (input.transformed !== undefined) return JSON.stringify(input.transformed);
  if (staticPayload !== undefined) return staticPayload;
  return Object.keys(input.body).length > 0 ? JSON.stringify(input.body) : undefined;
}

function startRun(
  context: RequestContext,
  slot: AccountSlot<Map<string, StartableConfig>>,
  kind: string,
  id: string | undefined,
  payload: string | undefined,
  owner: Account,
): DispatchOutcome {
  const config = id === undefined ? undefined : context.store.slot(owner, slot).get(id);
  if (config === undefined)
    return failed(`The ${kind} ${id ?? ""} does not exist in the webhook owner's account.`);
  return config.start(payload);
}

function callTool(context: RequestContext, params: ActionParams, input: ActionInput): DispatchOutcome {
  const server = params.mcpServerName ?? "";
  const tool = params.mcpToolName ?? "";
  const call = context.store.slot(input.owner, CALLABLE_MCP_TOOLS).get(mcpToolKey(server, tool));
  if (call === undefined)
    return failed(`The MCP server ${server} of the webhook owner's account has no tool ${tool}.`);
  // Payload keys override the configured arguments key by key.
  return call({ ...params.mcpToolParams, ...(input.transformed ?? input.body) });
}

/**
 * Sends the rendered prompt to the agent as a user message and generates its reply as chat does,
 * recording the usage for the owner. The reply ends when its last token would have streamed.
 */
function runAgent(context: RequestContext, params: ActionParams, input: ActionInput): ActionRun {
  const receivedAt = context.request.receivedAt;
  const agentName = params.agentName ?? "";
  const agent = context.store.slot(input.owner, CHAT_AGENTS).get(agentName);
  if (agent === undefined) {
    return {
      outcome: failed(`The agent ${agentName} does not exist in the webhook owner's account.`),
      completesAt: receivedAt,
    };
  }
  const model = findModel(context.store, input.owner, agent.modelName);
  if (model === undefined) {
    return {
      outcome: failed(
        `The agent ${agentName} runs on the model ${agent.modelName}, which the account does not have.`,
      ),
      completesAt: receivedAt,
    };
  }
  if (model.model === FAILING_PROVIDER_MODEL) {
    return {
      outcome: failed(`The provider of the agent ${agentName} failed (simulated by the mock).`),
      completesAt: receivedAt,
    };
  }

  // Placeholders render against the transformed payload when there is one; unknown ones stay as written.
  const payload = input.transformed ?? input.body;
  const prompt =
    params.promptTemplate === undefined
      ? JSON.stringify(payload)
      : renderTemplate(params.promptTemplate, payload, "keep");
  const request: ChatRequest = {
    model: agentName,
    messages: [{ role: "user", text: prompt }],
    stream: false,
    includeUsage: false,
    maxTokens: agent.maxTokens,
    choiceCount: 1,
    tools: [],
    toolChoice: "auto",
    responseFormat: { type: "text" },
    sessionId: undefined,
  };
  const chatId = `chatcmpl-${context.store.nextId("mock")}`;
  const reply = generateReply(
    request,
    0,
    agent.maxTokens ?? context.timing.model.chat.outputTokens,
    agent.maxTokens,
    `call_${chatId}`,
  );
  const tokens = reply.kind === "text" ? reply.tokens : reply.argumentTokens;
  const deltaCount = Math.ceil(tokens.length / context.timing.model.chat.tokensPerChunk);
  const completesAt = context.timing.chatDeltaTimes(receivedAt, receivedAt, deltaCount).at(-1) ?? receivedAt;

  const promptTokens = countTokens(prompt);
  recordUsage(context.store, input.owner, {
    chatId,
    modelName: agent.modelName,
    inputTokens: promptTokens,
    outputTokens: tokens.length,
    startTime: context.request.receivedAtEpochMs,
    endTime: context.request.receivedAtEpochMs + Math.round(completesAt - receivedAt),
    tools: false,
  });
  const usage = {
    prompt_tokens: promptTokens,
    completion_tokens: tokens.length,
    total_tokens: promptTokens + tokens.length,
  };
  return {
    outcome: { ok: true, result: { success: true, agentName, content: tokens.join(""), usage } },
    completesAt,
  };
}
