import {
  aggregateUsage,
  type HelperState,
  type MainState,
  type RunState,
  type StepState,
} from "./run-records.ts";

/** Characters of a step's output kept in `resumeSnapshot.previewContent`; the hydrated view has all of it. */
const PREVIEW_CHARACTERS = 1000;

type Json = Record<string, unknown>;

/** Builds the `WorkflowRunRecord` of a run from its current state; the result shares nothing with it. */
export function runRecordView(run: RunState): Json {
  const usage = aggregateUsage(run);
  return {
    runId: run.runId,
    workflowConfigId: run.workflowConfigId,
    ...(run.factoryRunId === undefined ? {} : { factoryRunId: run.factoryRunId }),
    ownerUserId: run.owner.id,
    workflowNameSnapshot: run.workflowNameSnapshot,
    status: run.status,
    startedAt: run.startedAt,
    ...(run.completedAt === undefined ? {} : { completedAt: run.completedAt }),
    ...(run.cancelledAt === undefined ? {} : { cancelledAt: run.cancelledAt }),
    ...(run.errorMessage === undefined ? {} : { errorMessage: run.errorMessage }),
    aggregateUsage: copyUsage(usage),
    helpers: run.helpers.map(helperView),
    main: mainView(run.main),
    resumeSnapshot: {
      schemaVersion: 1,
      phase: run.phase,
      helpers: run.helpers.map(helperSnapshot),
      main: mainSnapshot(run.main),
      aggregateUsage: copyUsage(usage),
      updatedAt: run.updatedAt,
    },
    createdAt: run.createdAt,
    updatedAt: run.updatedAt,
  };
}

/** Builds the hydrated view: the run record plus the main and helper chat transcripts. */
export function hydratedRunView(run: RunState): Json {
  const main = run.main;
  return {
    record: runRecordView(run),
    mainChat:
      main.agent === undefined || main.startedAt === undefined
        ? null
        : transcript(main.chatId, main.agent.slug, main.prompt, main.output),
    helperChats: run.helpers.map((helper) => ({
      helperRunId: helper.helperRunId,
      chat:
        helper.startedAt === undefined
          ? null
          : transcript(helper.chatId, helper.agent.slug, helper.resolvedInput, helper.output),
    })),
  };
}

function transcript(id: string, agentSlug: string, input: string, output: string): Json {
  const messages: Json[] = [{ role: "user", content: input }];
  if (output !== "") messages.push({ role: "assistant", content: output });
  return { id, agentSlug, messages };
}

function helperView(helper: HelperState): Json {
  return {
    helperRunId: helper.helperRunId,
    patternIndex: helper.patternIndex,
    agentRef: helper.agent.ref,
    agentId: helper.agent.id,
    agentName: helper.agent.name,
    agentUsername: helper.agent.username,
    agentSlug: helper.agent.slug,
    sessionId: helper.sessionId,
    chatId: helper.startedAt === undefined ? null : helper.chatId,
    resolvedInput: helper.resolvedInput,
    status: helper.status,
    ...stepTimes(helper),
    usage: copyUsage(helper.usage),
  };
}

function mainView(main: MainState): Json {
  const started = main.startedAt !== undefined && main.agent !== undefined;
  return {
    sessionId: started ? main.sessionId : null,
    chatId: started ? main.chatId : null,
    agentRef: started ? main.agent.ref : null,
    agentId: started ? main.agent.id : null,
    agentName: started ? main.agent.name : null,
    agentUsername: started ? main.agent.username : null,
    agentSlug: started ? main.agent.slug : null,
    status: main.status,
    ...stepTimes(main),
    usage: copyUsage(main.usage),
  };
}

function helperSnapshot(helper: HelperState): Json {
  return {
    helperRunId: helper.helperRunId,
    patternIndex: helper.patternIndex,
    agentId: helper.agent.id,
    agentName: helper.agent.name,
    agentSlug: helper.agent.slug,
    sessionId: helper.sessionId,
    chatId: helper.startedAt === undefined ? null : helper.chatId,
    status: helper.status,
    previewContent: helper.output.slice(0, PREVIEW_CHARACTERS),
    usage: copyUsage(helper.usage),
  };
}

function mainSnapshot(main: MainState): Json {
  const view = mainView(main);
  return {
    agentId: view["agentId"],
    agentName: view["agentName"],
    agentSlug: view["agentSlug"],
    sessionId: view["sessionId"],
    chatId: view["chatId"],
    status: main.status,
    previewContent: main.output.slice(0, PREVIEW_CHARACTERS),
    usage: copyUsage(main.usage),
  };
}

function stepTimes(step: StepState): Json {
  return {
    ...(step.startedAt === undefined ? {} : { startedAt: step.startedAt }),
    ...(step.completedAt === undefined ? {} : { completedAt: step.completedAt }),
    ...(step.errorMessage === undefined ? {} : { errorMessage: step.errorMessage }),
  };
}

function copyUsage(usage: StepState["usage"]): Json | null {
  return usage === null ? null : { ...usage };
}
