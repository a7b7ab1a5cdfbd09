import {
  InvalidRequestError,
  isJsonObject,
  optionalNumber,
  optionalString,
  typeName,
  type JsonObject,
} from "../../request-fields.ts";
import { defineAccountSlot, type Account, type MockStore } from "../../store.ts";
import { resolveAgentRef, resolveHelperSelector } from "./agent-refs.ts";
import { DEFAULT_DELIMITER, parseHelperTokens } from "./prompt-templates.ts";

/** A saved workflow config, in the shape every config route returns. */
export interface WorkflowConfigRecord {
  readonly id: string;
  readonly userId: string;
  readonly name: string;
  /** Id of the owned main agent; null for a shared main agent or none. */
  readonly mainAgentId: string | null;
  readonly mainAgentRef: string | null;
  readonly mainPrompt: string;
  /** JSON text of an object. */
  readonly dataPayload: string;
  readonly concurrency: number;
  readonly delimiter: string;
  readonly failureMessage: string;
  readonly failureInstruction: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** A stored config with the write counter that orders configs updated in the same millisecond. */
export interface StoredWorkflowConfig {
  readonly record: WorkflowConfigRecord;
  readonly revision: number;
}

interface ConfigStore {
  readonly configs: Map<string, StoredWorkflowConfig>;
  revision: number;
}

const WORKFLOW_CONFIGS = defineAccountSlot<ConfigStore>("workflow-configs", () => ({
  configs: new Map(),
  revision: 0,
}));

export const DEFAULT_WORKFLOW_NAME = "Untitled Workflow";

/** The failure codes a config write reports in `errorCode`. */
export type WorkflowConfigErrorCode = "WORKFLOW_MAIN_AGENT_NOT_FOUND" | "WORKFLOW_HELPER_NAME_UNRESOLVED";

/** A config names an agent that does not resolve in the caller's namespace. */
export class WorkflowReferenceError extends Error {
  override readonly name = "WorkflowReferenceError";
  constructor(
    message: string,
    readonly errorCode: WorkflowConfigErrorCode,
  ) {
    super(message);
  }
}

/** Lists the caller's configs, most recently updated first. */
export function listConfigs(store: MockStore, account: Account): WorkflowConfigRecord[] {
  return [...store.slot(account, WORKFLOW_CONFIGS).configs.values()]
    .sort((a, b) => b.record.updatedAt - a.record.updatedAt || b.revision - a.revision)
    .map((stored) => stored.record);
}

export function findConfig(store: MockStore, account: Account, id: string): WorkflowConfigRecord | undefined {
  return store.slot(account, WORKFLOW_CONFIGS).configs.get(id)?.record;
}

export function saveConfig(store: MockStore, account: Account, record: WorkflowConfigRecord): void {
  const slot = store.slot(account, WORKFLOW_CONFIGS);
  slot.revision += 1;
  slot.configs.set(record.id, { record, revision: slot.revision });
}

export function deleteConfig(store: MockStore, account: Account, id: string): boolean {
  return store.slot(account, WORKFLOW_CONFIGS).configs.delete(id);
}

/**
 * Builds a new config from a create body, filling the documented defaults. Client-sent `userId`,
 * `mainAgentId`, `createdAt` and `updatedAt` are ignored.
 * @throws InvalidRequestError for an invalid field; WorkflowReferenceError for an unresolvable agent.
 */
export function createConfigRecord(
  store: MockStore,
  account: Account,
  body: JsonObject,
  id: string,
  now: number,
): WorkflowConfigRecord {
  const fields = readConfigFields(body);
  const record: WorkflowConfigRecord = {
    id,
    userId: account.id,
    name: fields.name === undefined || fields.name.trim() === "" ? DEFAULT_WORKFLOW_NAME : fields.name,
    mainAgentId: null,
    mainAgentRef: null,
    mainPrompt: fields.mainPrompt ?? "",
    dataPayload: fields.dataPayload ?? "{}",
    concurrency: fields.concurrency ?? 1,
    delimiter: fields.delimiter ?? DEFAULT_DELIMITER,
    failureMessage: fields.failureMessage ?? "",
    failureInstruction: fields.failureInstruction ?? "",
    createdAt: now,
    updatedAt: now,
  };
  checkHelperSelectors(store, account, record);
  return { ...record, ...mainAgentFields(store, account, fields.mainAgentRef ?? null) };
}

/**
 * Merges an update body onto `existing`: omitted fields keep their values, `mainAgentRef: null`
 * clears the main agent. Only what the body changes is checked again, so a config whose agent was
 * deleted can still be renamed.
 * @throws InvalidRequestError for an invalid field; WorkflowReferenceError for an unresolvable agent.
 */
export function updateConfigRecord(
  store: MockStore,
  account: Account,
  existing: WorkflowConfigRecord,
  body: JsonObject,
  now: number,
): WorkflowConfigRecord {
  const fields = readConfigFields(body);
  const merged: WorkflowConfigRecord = {
    ...existing,
    ...(fields.name === undefined
      ? {}
      : { name: fields.name.trim() === "" ? DEFAULT_WORKFLOW_NAME : fields.name }),
    ...(fields.mainPrompt === undefined ? {} : { mainPrompt: fields.mainPrompt }),
    ...(fields.dataPayload === undefined ? {} : { dataPayload: fields.dataPayload }),
    ...(fields.concurrency === undefined ? {} : { concurrency: fields.concurrency }),
    ...(fields.delimiter === undefined ? {} : { delimiter: fields.delimiter }),
    ...(fields.failureMessage === undefined ? {} : { failureMessage: fields.failureMessage }),
    ...(fields.failureInstruction === undefined ? {} : { failureInstruction: fields.failureInstruction }),
    updatedAt: now,
  };
  if (fields.mainPrompt !== undefined || fields.delimiter !== undefined)
    checkHelperSelectors(store, account, merged);
  if (fields.mainAgentRef === undefined) return merged;
  return { ...merged, ...mainAgentFields(store, account, fields.mainAgentRef) };
}

/**
 * Parses a `dataPayload` text: it must be JSON of an object.
 * @throws InvalidRequestError naming `field` otherwise.
 */
export function parseDataPayload(text: string, field = "dataPayload"): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InvalidRequestError(
      `${field} must be a valid JSON string of an object; it is not valid JSON.`,
      field,
    );
  }
  if (!isJsonObject(value)) {
    throw new InvalidRequestError(
      `${field} must be a valid JSON string of an object, received JSON ${typeName(value)}.`,
      field,
    );
  }
  return value;
}

interface ConfigFields {
  readonly name?: string | undefined;
  /** A reference, null to clear, or undefined when the body omits it. */
  readonly mainAgentRef?: string | null | undefined;
  readonly mainPrompt?: string | undefined;
  readonly dataPayload?: string | undefined;
  readonly concurrency?: number | undefined;
  readonly delimiter?: string | undefined;
  readonly failureMessage?: string | undefined;
  readonly failureInstruction?: string | undefined;
}

function readConfigFields(body: JsonObject): ConfigFields {
  const mainAgentRef = body["mainAgentRef"];
  if (mainAgentRef !== undefined && mainAgentRef !== null && typeof mainAgentRef !== "string") {
    throw new InvalidRequestError(
      "mainAgentRef must be a string (agent/<agentId> or shared/<ownerUsername>/<slug>) or null, " +
        `received ${typeName(mainAgentRef)}.`,
      "mainAgentRef",
    );
  }
  const dataPayload = optionalString(body, "dataPayload");
  if (dataPayload !== undefined) parseDataPayload(dataPayload);
  const delimiter = optionalString(body, "delimiter");
  if (delimiter === "")
    throw new InvalidRequestError("delimiter is empty; send a non-empty separator such as |#|.", "delimiter");
  return {
    name: optionalString(body, "name"),
    mainAgentRef,
    mainPrompt: optionalString(body, "mainPrompt"),
    dataPayload,
    concurrency: optionalNumber(body, "concurrency", { minimum: 1, integer: true }),
    delimiter,
    failureMessage: optionalString(body, "failureMessage"),
    failureInstruction: optionalString(body, "failureInstruction"),
  };
}

function mainAgentFields(
  store: MockStore,
  account: Account,
  ref: string | null,
): Pick<WorkflowConfigRecord, "mainAgentId" | "mainAgentRef"> {
  if (ref === null) return { mainAgentId: null, mainAgentRef: null };
  const agent = resolveAgentRef(store, account, ref.trim());
  if (agent === undefined) {
    throw new WorkflowReferenceError(
      `Main agent ${ref} was not found. Use agent/<agentId> for an own agent, or ` +
        "shared/<ownerUsername>/<slug> for an agent shared with this account.",
      "WORKFLOW_MAIN_AGENT_NOT_FOUND",
    );
  }
  return { mainAgentId: agent.owned ? agent.agentId : null, mainAgentRef: agent.ref };
}

function checkHelperSelectors(store: MockStore, account: Account, record: WorkflowConfigRecord): void {
  for (const token of parseHelperTokens(record.mainPrompt, record.delimiter)) {
    if (resolveHelperSelector(store, account, token.selector) === undefined) {
      throw new WorkflowReferenceError(
        `Helper selector ${token.selector} in mainPrompt could not be resolved. Name an own agent or ` +
          "shared/<ownerUsername>/<slug> of an agent shared with this account.",
        "WORKFLOW_HELPER_NAME_UNRESOLVED",
      );
    }
  }
}
