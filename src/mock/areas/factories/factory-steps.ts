import { isJsonObject, type JsonObject } from "../../request-fields.ts";
import { fnv1a32, mulberry32 } from "../../seeded-random.ts";
import { recordUsage } from "../../usage-recording.ts";
import { exampleFromSchema } from "../chat/reply-generator.ts";
import {
  DELTAS_BEFORE_PROVIDER_FAILURE,
  planAgentReply,
  type AgentReply,
} from "../workflows/agent-replies.ts";
import type { WorkflowAgent } from "../workflows/agent-refs.ts";
import { cancelRun, type RunClock } from "../workflows/run-execution.ts";
import { startWorkflowRun } from "../workflows/run-plan.ts";
import { aggregateUsage, isTerminal as isWorkflowTerminal, type RunEvent } from "../workflows/run-records.ts";
import { findConfig, parseDataPayload } from "../workflows/workflow-configs.ts";
import { compilePayloadSchema } from "./factory-configs.ts";
import type { StepContext } from "./factory-execution.ts";
import { resolveFactoryAgent } from "./factory-refs.ts";
import { addUsage, snapshot, type TokenUsage } from "./factory-runs.ts";

/** The end of a step: completed with its output, failed, or stopped because the run was cancelled. */
export type StepOutcome =
  | {
      readonly kind: "completed";
      readonly output: string;
      readonly usage: TokenUsage | null;
      readonly at: number;
    }
  | { readonly kind: "failed"; readonly message: string; readonly at: number }
  | { readonly kind: "cancelled" };

interface AgentCall {
  readonly output: string;
  readonly usage: TokenUsage;
  readonly at: number;
}

/**
 * Runs an agent step: the agent replies to the carry payload (after its `promptOverride`) with the
 * chat area's reply generator, streamed as `step_agent_delta` events on the chat timing model. The
 * full reply follows as `step_agent_replace`, and it becomes the new carry payload.
 */
export async function runAgentStep(step: StepContext): Promise<StepOutcome> {
  const { run, stepRun, services } = step;
  const target = step.step.agentRef;
  const ref = target?.agentRef ?? "";
  const resolution = resolveFactoryAgent(services.store, run.owner, ref);
  if (resolution.kind !== "resolved") {
    announceStep(step);
    return { kind: "failed", message: `Agent ${ref} no longer resolves in this account.`, at: step.startAt };
  }
  const agent = resolution.agent;
  stepRun.record.invoked = invokedAgent(agent);
  stepRun.record.chatId = services.store.nextId("chat");
  announceStep(step);

  const input =
    target?.promptOverride === undefined
      ? stepRun.record.input
      : `${target.promptOverride}\n\n${stepRun.record.input}`;
  const call = await streamAgentReply(step, agent, input, step.startAt, (delta, at) =>
    step.emit({ type: "step_agent_delta", stepRunId: stepRun.record.stepRunId, delta }, at),
  );
  if (call.kind !== "completed") return call;

  step.emit(
    { type: "step_agent_replace", stepRunId: stepRun.record.stepRunId, content: call.output },
    call.at,
  );
  const now = step.toEpochMs(call.at);
  stepRun.transcript = {
    kind: "agent",
    chatSession: {
      id: stepRun.record.chatId,
      userId: run.owner.id,
      agentUsername: agent.owner.username,
      agentSlug: agent.agent.slug,
      title: input.slice(0, 60),
      createdAt: stepRun.record.startedAt,
      updatedAt: now,
      messages: [
        { role: "user", content: input },
        { role: "assistant", content: call.output, tokenUsage: { ...call.usage } },
      ],
    },
  };
  completeStep(step, call.output, call.usage, call.at);
  return { kind: "completed", output: call.output, usage: call.usage, at: call.at };
}

/**
 * Plays an agent's reply on the timing scheduler: the first delta `ttftMs` after `startAt`, then
 * one every `interTokenMs`. Records the call as a usage row of the run's account.
 */
async function streamAgentReply(
  step: StepContext,
  agent: WorkflowAgent,
  input: string,
  startAt: number,
  onDelta: (delta: string, at: number) => void,
): Promise<({ readonly kind: "completed" } & AgentCall) | Exclude<StepOutcome, { kind: "completed" }>> {
  const { services, run } = step;
  const reply: AgentReply = planAgentReply(
    services.store,
    agent.owner,
    agent.agent,
    input,
    services.timing.model,
  );
  const { ttftMs, interTokenMs } = services.timing.model.chat;
  let at = startAt + services.timing.jitter(ttftMs);
  let output = "";
  let tokens = 0;
  const finish = (error?: string): void =>
    recordUsage(services.store, run.owner, {
      chatId: step.stepRun.record.chatId ?? step.stepRun.record.stepRunId,
      modelName: agent.agent.modelName,
      inputTokens: reply.promptTokens,
      outputTokens: tokens,
      startTime: step.toEpochMs(startAt),
      endTime: step.toEpochMs(at),
      tools: false,
      ...(error === undefined ? {} : { error }),
    });

  for (const [index, delta] of reply.deltas.entries()) {
    if (index > 0) at += services.timing.jitter(interTokenMs);
    if (!(await services.scheduler.waitUntil(at, run.canceller.signal))) {
      finish("The factory run was cancelled.");
      return { kind: "cancelled" };
    }
    if (reply.providerFails && index === DELTAS_BEFORE_PROVIDER_FAILURE) {
      const message = "The upstream provider failed (simulated by the mock).";
      finish(message);
      return { kind: "failed", message, at };
    }
    output += delta.text;
    tokens += delta.tokens;
    onDelta(delta.text, at);
  }
  finish();
  const usage = {
    promptTokens: reply.promptTokens,
    completionTokens: tokens,
    totalTokens: reply.promptTokens + tokens,
  };
  return { kind: "completed", output, usage, at };
}

/**
 * Runs a workflow step. It checks the carry payload against `payloadSchema`, and the fixer agent
 * repairs it up to `maxRepairAttempts` times. Then the workflow config runs as a real workflow run
 * of the account (with `factoryRunId`), whose events are forwarded with a `step_workflow_` prefix.
 * The main agent's output becomes the new carry payload.
 */
export async function runWorkflowStep(step: StepContext): Promise<StepOutcome> {
  const { run, stepRun, services } = step;
  const target = step.step.workflowRef;
  const config =
    target === undefined ? undefined : findConfig(services.store, run.owner, target.workflowConfigId);
  if (target === undefined || config === undefined) {
    announceStep(step);
    return {
      kind: "failed",
      message: `Workflow config ${target?.workflowConfigId ?? ""} no longer exists in this account.`,
      at: step.startAt,
    };
  }
  stepRun.record.invoked = { kind: "workflow", workflowConfigId: config.id, workflowName: config.name };
  announceStep(step);

  const checked = await checkPayload(step, stepRun.record.input);
  if (checked.kind !== "completed") return checked;
  const data = workflowData(checked.output, config.dataPayload);
  stepRun.record.workflowDataPayloadIn = JSON.stringify(data);

  const startAt = Math.max(checked.at, services.scheduler.now());
  const inner = startWorkflowRun(
    {
      store: services.store,
      account: run.owner,
      timing: services.timing,
      scheduler: services.scheduler,
      logger: services.logger,
      receivedAt: startAt,
      receivedAtEpochMs: step.toEpochMs(startAt),
      startAt,
      factoryRunId: run.record.runId,
    },
    config,
    data,
  );
  stepRun.record.workflowRunId = inner.runId;
  stepRun.transcript = { kind: "workflow", workflowRun: inner };

  const clock: RunClock = {
    store: services.store,
    scheduler: services.scheduler,
    logger: services.logger,
    toEpochMs: step.toEpochMs,
  };
  const ended = new Promise<RunEvent | undefined>((resolve) => {
    const forward = (event: RunEvent): void => {
      step.emit(
        {
          type: forwardedType(event.payload.type),
          stepRunId: stepRun.record.stepRunId,
          event: { ...event.payload },
        },
        event.at,
      );
      if (isWorkflowTerminal(inner.status)) {
        inner.subscribers.delete(forward);
        resolve(event);
      }
    };
    inner.subscribers.add(forward);
    if (isWorkflowTerminal(inner.status)) resolve(inner.terminalEvent);
  });
  run.cancelInner = () => cancelRun(clock, inner, services.scheduler.now());
  const last = await ended;
  delete run.cancelInner;

  const at = Math.max(last?.at ?? startAt, checked.at);
  if (inner.status === "cancelled")
    return run.canceller.signal.aborted
      ? { kind: "cancelled" }
      : { kind: "failed", message: "The workflow run was cancelled.", at };
  if (inner.status !== "completed")
    return { kind: "failed", message: inner.errorMessage ?? "The workflow run failed.", at };
  const usage = addUsage(checked.usage, aggregateUsage(inner));
  completeStep(step, inner.main.output, usage, at);
  return { kind: "completed", output: inner.main.output, usage, at };
}

/**
 * Validates the carry payload against the step's `payloadSchema`. Each failed check sends a
 * `step_validation_attempt`; the fixer agent then replaces the payload with one built from the
 * schema, as a repair. Completes with the (repaired) payload and the fixer's token usage.
 */
async function checkPayload(step: StepContext, payload: string): Promise<StepOutcome> {
  const { stepRun, services, run } = step;
  const target = step.step.workflowRef;
  const schema = target?.payloadSchema;
  if (target === undefined || schema === undefined) {
    stepRun.record.validation = {
      schemaPresent: false,
      initialOutcome: "not_applicable",
      repairAttempts: 0,
      finalOutcome: "pass",
    };
    return { kind: "completed", output: payload, usage: null, at: step.startAt };
  }

  const validate = compilePayloadSchema(schema);
  const errorsOf = (text: string): { path: string; message: string }[] => {
    let value: unknown;
    try {
      value = JSON.parse(text) as unknown;
    } catch {
      return [{ path: "", message: "must be valid JSON" }];
    }
    if (validate(value) === true) return [];
    return (validate.errors ?? []).map((error) => ({
      path: error.instancePath === "" ? "/" : error.instancePath,
      message: error.message ?? error.keyword,
    }));
  };

  let at = step.startAt;
  let usage: TokenUsage | null = null;
  let current = payload;
  let errors = errorsOf(current);
  const initialOutcome = errors.length === 0 ? "pass" : "fail";
  let attempts = 0;
  while (errors.length > 0) {
    step.emit(
      { type: "step_validation_attempt", stepRunId: stepRun.record.stepRunId, attempt: attempts, errors },
      at,
    );
    if (attempts >= target.maxRepairAttempts || target.fixerAgentRef === undefined) break;
    attempts += 1;
    const fixer = resolveFactoryAgent(services.store, run.owner, target.fixerAgentRef);
    if (fixer.kind !== "resolved")
      return {
        kind: "failed",
        message: `Fixer agent ${target.fixerAgentRef} no longer resolves in this account.`,
        at,
      };
    const fix = await streamAgentReply(
      step,
      fixer.agent,
      `Repair this payload so that it matches the schema.\n${current}`,
      at,
      () => undefined,
    );
    if (fix.kind !== "completed") return fix;
    at = fix.at;
    usage = addUsage(usage, fix.usage);
    // The fixer's repair: a payload built from the schema, seeded by the failed payload.
    current = JSON.stringify(exampleFromSchema(schema, mulberry32(fnv1a32(`${current}\n${attempts}`)), 0));
    errors = errorsOf(current);
  }

  const finalOutcome = errors.length === 0 ? "pass" : "fail";
  stepRun.record.validation = {
    schemaPresent: true,
    initialOutcome,
    repairAttempts: attempts,
    finalOutcome,
    ...(errors.length === 0 ? {} : { errors }),
  };
  if (finalOutcome === "fail") {
    return {
      kind: "failed",
      message: `Carry payload failed payloadSchema after ${attempts} repair attempts`,
      at,
    };
  }
  return { kind: "completed", output: current, usage, at };
}

/**
 * Builds the data payload of the inner workflow run: the carry payload when it is a JSON object,
 * or else the config's own data payload with the carry payload as `input`.
 */
function workflowData(carry: string, configPayload: string): JsonObject {
  try {
    const parsed = JSON.parse(carry) as unknown;
    if (isJsonObject(parsed)) return parsed;
  } catch {
    // Not JSON: the text goes in as `input` below.
  }
  return { ...parseDataPayload(configPayload), input: carry };
}

/**
 * Returns the type of a forwarded workflow event: `step_workflow_` plus the inner type without its
 * `workflow_` prefix, with `content_delta` shortened to `delta`. So `main_content_delta` becomes
 * `step_workflow_main_delta` and `workflow_completed` becomes `step_workflow_completed`.
 * NOTE: the reference pages show only these examples of the naming; the other names follow the rule.
 */
export function forwardedType(innerType: string): string {
  return `step_workflow_${innerType.replace(/^workflow_/, "").replace(/_content_delta$/, "_delta")}`;
}

function invokedAgent(agent: WorkflowAgent): JsonObject {
  return {
    kind: "agent",
    agentRef: agent.ref,
    agentId: agent.agentId,
    agentName: agent.agent.name,
    agentUsername: agent.owner.username,
  };
}

/** Marks the step run completed with its output and usage, and emits `step_completed`. */
export function completeStep(step: StepContext, output: string, usage: TokenUsage | null, at: number): void {
  const record = step.stepRun.record;
  record.status = "completed";
  record.output = output;
  record.usage = usage;
  record.completedAt = step.toEpochMs(at);
  record.updatedAt = record.completedAt;
  step.emit(
    { type: "step_completed", stepRunId: record.stepRunId, usage: usage === null ? null : { ...usage } },
    at,
  );
}

/** Emits `step_started` with the step run as it is now. */
export function announceStep(step: StepContext): void {
  const record = step.stepRun.record;
  step.emit(
    {
      type: "step_started",
      stepRunId: record.stepRunId,
      stepIndex: record.stepIndex,
      kind: record.kind,
      invoked: { ...record.invoked },
      stepRun: snapshot(record),
    },
    step.startAt,
  );
}
