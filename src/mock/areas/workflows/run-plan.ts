import type { Logger } from "../../../log/logger.ts";
import type { JsonObject } from "../../request-fields.ts";
import type { Account, MockStore } from "../../store.ts";
import type { TimingPlanner } from "../../timing-planner.ts";
import type { TimingScheduler } from "../../timing-scheduler.ts";
import { DELTAS_BEFORE_PROVIDER_FAILURE, planAgentReply, type AgentReply } from "./agent-replies.ts";
import { resolveAgentRef, resolveHelperSelector, type WorkflowAgent } from "./agent-refs.ts";
import {
  DataInterpolationError,
  parseHelperTokens,
  renderMainPrompt,
  resolveHelperInput,
} from "./prompt-templates.ts";
import { executeRun, recordStepUsage, type RunClock, type RunStep } from "./run-execution.ts";
import {
  addRun,
  aggregateUsage,
  type HelperState,
  type MainState,
  type RunEvent,
  type RunState,
  type StepAgent,
  type StepState,
  type TokenUsage,
} from "./run-records.ts";
import type { WorkflowConfigRecord } from "./workflow-configs.ts";

/** The inputs of a run start, taken from the request that starts it. */
export interface RunStart {
  readonly store: MockStore;
  readonly account: Account;
  readonly timing: TimingPlanner;
  readonly scheduler: TimingScheduler;
  readonly logger: Logger;
  /** Arrival of the starting request on the `performance.now()` clock, and as Unix time in ms. */
  readonly receivedAt: number;
  readonly receivedAtEpochMs: number;
  /** Planned time the run leaves `queued`: when the response that accepted it is sent. */
  readonly startAt: number;
  /** Set when a factory starts the run as one of its steps. */
  readonly factoryRunId?: string;
}

/** A failure that ends a run right after it starts, reported on its stream's `error` event. */
interface RunFailure {
  readonly message: string;
  readonly errorCode: string;
  readonly dataPath?: string;
}

interface PlannedHelper {
  readonly state: HelperState;
  readonly reply: AgentReply;
}

interface ResolvedRun {
  readonly helpers: readonly PlannedHelper[];
  readonly mainReply: AgentReply;
}

const PROVIDER_FAILURE = "The upstream provider failed (simulated by the mock).";

/**
 * Creates a queued run of `config` with the data payload `data` and starts it in the background.
 * At `startAt` the run moves to `running` and the helpers run in batches of `config.concurrency`.
 * Then the main agent replies to the rendered prompt. Every content delta follows the chat timing
 * model. Unresolvable agents and missing data paths fail the run.
 * NOTE: the mock's agents call no tools, so runs never send `helper_tool_event` or `main_tool_event`.
 */
export function startWorkflowRun(start: RunStart, config: WorkflowConfigRecord, data: JsonObject): RunState {
  const { store, account } = start;
  const clock: RunClock = {
    store,
    scheduler: start.scheduler,
    logger: start.logger,
    toEpochMs: (at) => Math.round(start.receivedAtEpochMs + (at - start.receivedAt)),
  };
  const now = start.receivedAtEpochMs;
  const runId = store.nextId("wf_run");
  const mainAgent =
    config.mainAgentRef === null ? undefined : resolveAgentRef(store, account, config.mainAgentRef);
  const main: MainState = {
    ...newStep("pending"),
    sessionId: store.nextId("sess"),
    chatId: store.nextId("chat"),
    agent: mainAgent === undefined ? undefined : stepAgent(mainAgent),
    prompt: "",
  };
  const run: RunState = {
    runId,
    workflowConfigId: config.id,
    ...(start.factoryRunId === undefined ? {} : { factoryRunId: start.factoryRunId }),
    owner: account,
    workflowNameSnapshot: config.name,
    status: "queued",
    phase: "queued",
    startedAt: now,
    helpers: [],
    main,
    createdAt: now,
    updatedAt: now,
    revision: 0,
    subscribers: new Set(),
    cancellation: new AbortController(),
  };
  addRun(store, run);

  const resolution = resolveRun(start, config, data, mainAgent, main);
  const steps = planSteps(start, clock, run, config, resolution);
  void executeRun(clock, run, steps);
  return run;
}

function resolveRun(
  start: RunStart,
  config: WorkflowConfigRecord,
  data: JsonObject,
  mainAgent: WorkflowAgent | undefined,
  main: MainState,
): ResolvedRun | RunFailure {
  const { store, account } = start;
  if (mainAgent === undefined) {
    return {
      message:
        config.mainAgentRef === null
          ? "The workflow has no main agent. Set mainAgentRef on the config."
          : `Main agent ${config.mainAgentRef} was not found.`,
      errorCode: "WORKFLOW_MAIN_AGENT_NOT_FOUND",
    };
  }

  const helpers: PlannedHelper[] = [];
  try {
    for (const token of parseHelperTokens(config.mainPrompt, config.delimiter)) {
      const agent = resolveHelperSelector(store, account, token.selector);
      if (agent === undefined) {
        return {
          message: `Helper selector ${token.selector} could not be resolved.`,
          errorCode: "WORKFLOW_HELPER_NAME_UNRESOLVED",
        };
      }
      const resolvedInput = resolveHelperInput(token.dataKey, data);
      const reply = planAgentReply(store, agent.owner, agent.agent, resolvedInput, start.timing.model);
      const state: HelperState = {
        ...newStep("queued"),
        promptTokens: reply.promptTokens,
        helperRunId: store.nextId("h"),
        patternIndex: token.patternIndex,
        agent: stepAgent(agent),
        sessionId: store.nextId("sess"),
        chatId: store.nextId("chat"),
        resolvedInput,
      };
      helpers.push({ state, reply });
    }

    const failed = helpers.some((helper) => helper.reply.providerFails);
    let prompt = renderMainPrompt(config.mainPrompt, config.delimiter, data, (index) => {
      const helper = helpers[index];
      if (helper === undefined || helper.reply.providerFails) return config.failureMessage;
      return helper.reply.deltas.map((delta) => delta.text).join("");
    });
    if (failed && config.failureInstruction !== "") prompt = `${prompt}\n\n${config.failureInstruction}`;
    main.prompt = prompt;
    const mainReply = planAgentReply(store, mainAgent.owner, mainAgent.agent, prompt, start.timing.model);
    main.promptTokens = mainReply.promptTokens;
    return { helpers, mainReply };
  } catch (error) {
    if (!(error instanceof DataInterpolationError)) throw error;
    return {
      message: error.message,
      errorCode: "WORKFLOW_DATA_INTERPOLATION_ERROR",
      dataPath: error.dataPath,
    };
  }
}

/** One step with its insertion order, so steps planned for the same time keep that order. */
interface OrderedStep {
  readonly step: RunStep;
  readonly order: number;
}

function planSteps(
  start: RunStart,
  clock: RunClock,
  run: RunState,
  config: WorkflowConfigRecord,
  resolution: ResolvedRun | RunFailure,
): RunStep[] {
  const ordered: OrderedStep[] = [];
  const add = (step: RunStep): void => {
    ordered.push({ step, order: ordered.length });
  };
  const runId = run.runId;
  const helpers = "helpers" in resolution ? resolution.helpers : [];

  add({
    at: start.startAt,
    apply: (current) => {
      current.status = "running";
      current.phase = helpers.length > 0 ? "helpers" : "main";
      current.helpers = helpers.map((helper) => helper.state);
      return { type: "run_started", runId, workflowId: config.id };
    },
  });

  if (!("helpers" in resolution)) {
    add({
      at: start.startAt,
      terminal: true,
      apply: (current, epochMs) => {
        current.status = "error";
        current.phase = "error";
        current.errorMessage = resolution.message;
        current.completedAt = epochMs;
        return {
          type: "error",
          runId,
          message: resolution.message,
          errorCode: resolution.errorCode,
          ...(resolution.dataPath === undefined ? {} : { dataPath: resolution.dataPath }),
        };
      },
    });
    return sortSteps(ordered);
  }

  let batchStart = start.startAt;
  for (let first = 0; first < helpers.length; first += config.concurrency) {
    let batchEnd = batchStart;
    for (const helper of helpers.slice(first, first + config.concurrency)) {
      batchEnd = Math.max(batchEnd, planHelper(start, clock, runId, helper, batchStart, add));
    }
    batchStart = batchEnd;
  }
  planMain(start, clock, run, resolution.mainReply, batchStart, add);
  return sortSteps(ordered);
}

/** Adds the steps of one helper starting at `startAt`; returns the planned time it ends. */
function planHelper(
  start: RunStart,
  clock: RunClock,
  runId: string,
  helper: PlannedHelper,
  startAt: number,
  add: (step: RunStep) => void,
): number {
  const { state, reply } = helper;
  const ids = { runId, helperRunId: state.helperRunId, patternIndex: state.patternIndex };
  const call = { chatId: state.chatId, modelName: state.agent.modelName };
  add({
    at: startAt,
    apply: (_run, epochMs) => {
      state.status = "running";
      state.startedAt = epochMs;
      return { type: "helper_started", ...ids, agentName: state.agent.name };
    },
  });
  add({ at: startAt, apply: () => ({ type: "helper_message_start", ...ids }) });
  const end = planDeltas(start, state, reply, startAt, add, (delta) => ({
    type: "helper_content_delta",
    ...ids,
    delta,
  }));

  if (reply.providerFails) {
    add({
      at: end,
      apply: (run, epochMs) => {
        failStep(state, epochMs);
        recordStepUsage(clock, run, state, call, epochMs, PROVIDER_FAILURE);
        return { type: "helper_error", ...ids, message: PROVIDER_FAILURE };
      },
    });
    return end;
  }
  const usage = usageOf(state.promptTokens, reply);
  add({ at: end, apply: () => ({ type: "helper_message_stop", ...ids }) });
  add({
    at: end,
    apply: () => {
      state.usage = usage;
      return { type: "helper_usage", ...ids, usage: { ...usage } };
    },
  });
  add({
    at: end,
    apply: (run, epochMs) => {
      state.status = "completed";
      state.completedAt = epochMs;
      recordStepUsage(clock, run, state, call, epochMs);
      return { type: "helper_completed", ...ids, usage: { ...usage } };
    },
  });
  return end;
}

/** Adds the main agent's steps starting at `startAt`, ending with `workflow_completed` or `error`. */
function planMain(
  start: RunStart,
  clock: RunClock,
  run: RunState,
  reply: AgentReply,
  startAt: number,
  add: (step: RunStep) => void,
): void {
  const main = run.main;
  const agent = main.agent;
  if (agent === undefined) throw new Error(`Run ${run.runId} was planned without a main agent.`);
  const runId = run.runId;
  const call = { chatId: main.chatId, modelName: agent.modelName };
  add({
    at: startAt,
    apply: (current, epochMs) => {
      current.phase = "main";
      main.status = "running";
      main.startedAt = epochMs;
      return { type: "main_started", runId, agentName: agent.name };
    },
  });
  add({ at: startAt, apply: () => ({ type: "main_message_start", runId }) });
  const end = planDeltas(start, main, reply, startAt, add, (delta) => ({
    type: "main_content_delta",
    runId,
    delta,
  }));

  if (reply.providerFails) {
    add({
      at: end,
      terminal: true,
      apply: (current, epochMs) => {
        failStep(main, epochMs);
        recordStepUsage(clock, current, main, call, epochMs, PROVIDER_FAILURE);
        current.status = "error";
        current.phase = "error";
        current.errorMessage = PROVIDER_FAILURE;
        current.completedAt = epochMs;
        return { type: "error", runId, message: PROVIDER_FAILURE };
      },
    });
    return;
  }
  const usage = usageOf(main.promptTokens, reply);
  add({ at: end, apply: () => ({ type: "main_message_stop", runId }) });
  add({
    at: end,
    apply: () => {
      main.usage = usage;
      return { type: "main_usage", runId, usage: { ...usage } };
    },
  });
  add({
    at: end,
    apply: (current, epochMs) => {
      main.status = "completed";
      main.completedAt = epochMs;
      recordStepUsage(clock, current, main, call, epochMs);
      return { type: "main_completed", runId, usage: { ...usage } };
    },
  });
  add({
    at: end,
    terminal: true,
    apply: (current, epochMs) => {
      current.status = "completed";
      current.phase = "completed";
      current.completedAt = epochMs;
      return {
        type: "workflow_completed",
        runId,
        status: "completed",
        aggregateUsage: aggregateUsage(current),
      };
    },
  });
}

/**
 * Adds the content deltas of one step at the chat timing model's times, counted from `startAt`.
 * A failing provider stops after `DELTAS_BEFORE_PROVIDER_FAILURE` deltas. Returns the time the
 * step's last event is due: the last delta, or for a failure the time the next delta was due.
 */
function planDeltas(
  start: RunStart,
  step: StepState,
  reply: AgentReply,
  startAt: number,
  add: (step: RunStep) => void,
  payload: (delta: string) => RunEvent["payload"],
): number {
  const times = start.timing.chatDeltaTimes(startAt, startAt, reply.deltas.length);
  const sent = reply.providerFails
    ? Math.min(DELTAS_BEFORE_PROVIDER_FAILURE, reply.deltas.length)
    : reply.deltas.length;
  for (let index = 0; index < sent; index += 1) {
    const delta = reply.deltas[index] as AgentReply["deltas"][number];
    add({
      at: times[index] as number,
      apply: () => {
        step.output += delta.text;
        step.outputTokens += delta.tokens;
        return payload(delta.text);
      },
    });
  }
  if (reply.providerFails) return times[sent] ?? times.at(-1) ?? startAt;
  return times.at(-1) ?? startAt;
}

function failStep(step: StepState, epochMs: number): void {
  step.status = "error";
  step.errorMessage = PROVIDER_FAILURE;
  step.completedAt = epochMs;
}

function sortSteps(ordered: OrderedStep[]): RunStep[] {
  return ordered.sort((a, b) => a.step.at - b.step.at || a.order - b.order).map((entry) => entry.step);
}

function usageOf(promptTokens: number, reply: AgentReply): TokenUsage {
  const completionTokens = reply.deltas.reduce((sum, delta) => sum + delta.tokens, 0);
  return { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens };
}

function newStep<Status extends StepState["status"]>(status: Status): StepState & { status: Status } {
  return { status, usage: null, promptTokens: 0, output: "", outputTokens: 0 };
}

function stepAgent(agent: WorkflowAgent): StepAgent {
  return {
    ref: agent.ref,
    id: agent.agentId,
    name: agent.agent.name,
    username: agent.owner.username,
    slug: agent.agent.slug,
    modelName: agent.agent.modelName,
  };
}
