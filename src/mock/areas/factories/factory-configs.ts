import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import type { OperationContext } from "../../area.ts";
import { isJsonObject, typeName, type JsonObject } from "../../request-fields.ts";
import { defineAccountSlot, type Account, type MockStore } from "../../store.ts";
import { findConfig } from "../workflows/workflow-configs.ts";
import { canonicalAgentRef, resolveFactoryAgent } from "./factory-refs.ts";

export type FactoryTransition =
  | { readonly kind: "next" }
  | { readonly kind: "stop" }
  | { readonly kind: "loop_to_index"; readonly targetIndex: number };

export interface FactoryStepConfig {
  readonly stepId: string;
  readonly index: number;
  readonly name: string;
  readonly kind: "agent" | "workflow";
  readonly limitStepInvocations: boolean;
  readonly agentRef?: { readonly agentRef: string; readonly promptOverride?: string };
  readonly workflowRef?: {
    readonly workflowConfigId: string;
    readonly payloadSchema?: JsonObject;
    readonly fixerAgentRef?: string;
    readonly maxRepairAttempts: number;
  };
  readonly maxStepInvocations: number;
  readonly transition: FactoryTransition;
}

/** A stored `FactoryConfigRecord`. */
export interface FactoryConfigRecord {
  readonly id: string;
  readonly userId: string;
  readonly name: string;
  readonly description?: string;
  readonly steps: readonly FactoryStepConfig[];
  readonly continuous: boolean;
  readonly limitTotalInvocations: boolean;
  readonly maxTotalInvocations: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** The documented failure codes of a factory config write. */
export type FactoryErrorCode =
  | "FACTORY_INVALID_NAME"
  | "FACTORY_STEPS_REQUIRED"
  | "FACTORY_STEP_KIND_MISMATCH"
  | "FACTORY_STEP_AGENT_REF_INVALID"
  | "FACTORY_STEP_AGENT_FORBIDDEN"
  | "FACTORY_STEP_AGENT_NOT_FOUND"
  | "FACTORY_STEP_WORKFLOW_NOT_FOUND"
  | "FACTORY_STEP_SCHEMA_INVALID"
  | "FACTORY_STEP_FIXER_AGENT_REF_INVALID"
  | "FACTORY_STEP_FIXER_AGENT_NOT_FOUND"
  | "FACTORY_MAX_INVOCATIONS_OUT_OF_RANGE"
  | "FACTORY_INVALID_TRANSITION"
  | "FACTORY_CONTINUOUS_NO_LOOP"
  | "FACTORY_TOTAL_RUN_CAP_REQUIRES_LAST_STEP_LOOP";

/** A factory config failed validation; the response is a 400 with the `errorCode` when one is set. */
export class FactoryValidationError extends Error {
  override readonly name = "FactoryValidationError";
  constructor(
    message: string,
    readonly errorCode?: FactoryErrorCode,
  ) {
    super(message);
  }
}

/** Each account's factory configs by id, oldest first. */
export const FACTORY_CONFIGS = defineAccountSlot(
  "factory-configs",
  () => new Map<string, FactoryConfigRecord>(),
);

/**
 * The account limit `maxFactories`.
 * NOTE: the reference pages name the limit but not its value; 50 is an estimate.
 */
export const MAX_FACTORIES = 50;

export const MAX_STEPS = 50;
const MAX_STEP_INVOCATIONS = 10_000;
const MAX_TOTAL_INVOCATIONS = 100_000;
const DEFAULT_TOTAL_INVOCATIONS = 10;
const MAX_REPAIR_ATTEMPTS = 5;

/**
 * Repair passes when a fixer agent is set and `maxRepairAttempts` is omitted.
 * NOTE: the reference pages give no default; 1 is an estimate.
 */
const DEFAULT_REPAIR_ATTEMPTS = 1;

const payloadSchemaCompiler = new Ajv2020({ strict: false, allErrors: true });

export function findFactory(store: MockStore, account: Account, id: string): FactoryConfigRecord | undefined {
  return store.slot(account, FACTORY_CONFIGS).get(id);
}

/** Compiles a step's `payloadSchema`; the validator is cached by the compiler for equal schemas. */
export function compilePayloadSchema(schema: JsonObject): ValidateFunction {
  return payloadSchemaCompiler.compile(schema);
}

/**
 * Normalizes and validates a factory config body (a create, or an update merged onto the stored
 * record) into the stored record. Fills step ids, indexes and defaults, resolves agent and
 * workflow refs in the caller's account, and applies the documented clamps.
 * @throws FactoryValidationError with the documented `errorCode` of the first problem.
 */
export function buildFactoryRecord(
  context: OperationContext,
  body: JsonObject,
  identity: { readonly id: string; readonly createdAt: number },
): FactoryConfigRecord {
  const name = typeof body["name"] === "string" ? body["name"].trim() : "";
  if (name === "")
    throw new FactoryValidationError(
      `name is missing or blank, received ${typeName(body["name"])}.`,
      "FACTORY_INVALID_NAME",
    );
  const description = body["description"];
  if (description !== undefined && description !== null && typeof description !== "string") {
    throw new FactoryValidationError(`description must be a string, received ${typeName(description)}.`);
  }

  const stepsInput = body["steps"];
  if (!Array.isArray(stepsInput) || stepsInput.length === 0) {
    throw new FactoryValidationError(
      "steps is missing or empty; send 1 to 50 steps.",
      "FACTORY_STEPS_REQUIRED",
    );
  }
  if (stepsInput.length > MAX_STEPS)
    throw new FactoryValidationError(
      `steps has ${stepsInput.length} entries; at most ${MAX_STEPS} are allowed.`,
    );
  const usedIds = new Set<string>();
  const steps = stepsInput.map((step: unknown, index) =>
    buildStep(context, step, index, stepsInput.length, usedIds),
  );

  const continuous = booleanField(body, "continuous");
  if (continuous && !steps.some((step) => step.transition.kind === "loop_to_index")) {
    throw new FactoryValidationError(
      "A continuous factory needs at least one loop_to_index transition",
      "FACTORY_CONTINUOUS_NO_LOOP",
    );
  }
  const limitTotalInvocations = booleanField(body, "limitTotalInvocations");
  const maxTotal = body["maxTotalInvocations"] ?? DEFAULT_TOTAL_INVOCATIONS;
  if (typeof maxTotal !== "number" || !Number.isInteger(maxTotal)) {
    throw new FactoryValidationError(
      `maxTotalInvocations must be an integer, received ${typeName(maxTotal)}.`,
      "FACTORY_MAX_INVOCATIONS_OUT_OF_RANGE",
    );
  }
  if (limitTotalInvocations) {
    if (maxTotal < 1 || maxTotal > MAX_TOTAL_INVOCATIONS) {
      throw new FactoryValidationError(
        `maxTotalInvocations must be 1-${MAX_TOTAL_INVOCATIONS} when limitTotalInvocations is true, received ${maxTotal}.`,
        "FACTORY_MAX_INVOCATIONS_OUT_OF_RANGE",
      );
    }
    if (steps.at(-1)?.transition.kind !== "loop_to_index") {
      throw new FactoryValidationError(
        "A total invocation cap needs the last step to loop back (transition loop_to_index).",
        "FACTORY_TOTAL_RUN_CAP_REQUIRES_LAST_STEP_LOOP",
      );
    }
  }

  return {
    id: identity.id,
    userId: context.account.id,
    name,
    ...(typeof description === "string" ? { description } : {}),
    steps,
    continuous,
    limitTotalInvocations,
    maxTotalInvocations: maxTotal,
    createdAt: identity.createdAt,
    updatedAt: context.request.receivedAtEpochMs,
  };
}

function buildStep(
  context: OperationContext,
  input: unknown,
  index: number,
  count: number,
  usedIds: Set<string>,
): FactoryStepConfig {
  const at = `steps[${index}]`;
  if (!isJsonObject(input))
    throw new FactoryValidationError(
      `${at} must be an object, received ${typeName(input)}.`,
      "FACTORY_STEP_KIND_MISMATCH",
    );
  const kind = input["kind"];
  const hasAgent = input["agentRef"] !== undefined && input["agentRef"] !== null;
  const hasWorkflow = input["workflowRef"] !== undefined && input["workflowRef"] !== null;
  let matchesKind = false;
  if (kind === "agent") matchesKind = hasAgent && !hasWorkflow;
  else if (kind === "workflow") matchesKind = hasWorkflow && !hasAgent;
  if (!matchesKind) {
    throw new FactoryValidationError(
      `${at}: kind ${typeName(kind)} needs exactly its own target: agentRef for agent steps, workflowRef for workflow steps.`,
      "FACTORY_STEP_KIND_MISMATCH",
    );
  }

  let stepId =
    typeof input["stepId"] === "string" && input["stepId"].trim() !== ""
      ? input["stepId"]
      : context.store.nextId("stp");
  if (usedIds.has(stepId)) stepId = context.store.nextId("stp");
  usedIds.add(stepId);
  const limitStepInvocations = booleanField(input, "limitStepInvocations");
  const requested = input["maxStepInvocations"];
  const maxStepInvocations =
    limitStepInvocations && typeof requested === "number" && Number.isFinite(requested)
      ? Math.min(MAX_STEP_INVOCATIONS, Math.max(1, Math.floor(requested)))
      : 1;

  return {
    stepId,
    index,
    name:
      typeof input["name"] === "string" && input["name"].trim() !== "" ? input["name"] : `Step ${index + 1}`,
    kind: kind as "agent" | "workflow",
    limitStepInvocations,
    ...(kind === "agent"
      ? { agentRef: buildAgentTarget(context, input["agentRef"], at) }
      : { workflowRef: buildWorkflowTarget(context, input["workflowRef"], at) }),
    maxStepInvocations,
    transition: buildTransition(input["transition"], at, count),
  };
}

function buildAgentTarget(
  context: OperationContext,
  input: unknown,
  at: string,
): NonNullable<FactoryStepConfig["agentRef"]> {
  if (!isJsonObject(input))
    throw new FactoryValidationError(
      `${at}.agentRef must be an object with agentRef or agentId.`,
      "FACTORY_STEP_AGENT_REF_INVALID",
    );
  const ref = canonicalAgentRef(stringOrUndefined(input["agentRef"]), stringOrUndefined(input["agentId"]));
  if (ref === undefined)
    throw new FactoryValidationError(
      `${at}.agentRef needs agentRef or agentId.`,
      "FACTORY_STEP_AGENT_REF_INVALID",
    );
  const resolution = resolveFactoryAgent(context.store, context.account, ref);
  if (resolution.kind === "invalid") {
    throw new FactoryValidationError(
      `${at}: agent ref ${ref} is invalid; use agent/<agentId> or shared/<ownerUsername>/<slug>.`,
      "FACTORY_STEP_AGENT_REF_INVALID",
    );
  }
  if (resolution.kind === "forbidden")
    throw new FactoryValidationError(
      `${at}: agent ${ref} is not shared with this account.`,
      "FACTORY_STEP_AGENT_FORBIDDEN",
    );
  if (resolution.kind === "not_found")
    throw new FactoryValidationError(`${at}: agent ${ref} was not found.`, "FACTORY_STEP_AGENT_NOT_FOUND");
  const promptOverride = stringOrUndefined(input["promptOverride"]);
  return { agentRef: ref, ...(promptOverride === undefined ? {} : { promptOverride }) };
}

function buildWorkflowTarget(
  context: OperationContext,
  input: unknown,
  at: string,
): NonNullable<FactoryStepConfig["workflowRef"]> {
  const workflowConfigId = isJsonObject(input) ? stringOrUndefined(input["workflowConfigId"]) : undefined;
  if (!isJsonObject(input) || workflowConfigId === undefined || workflowConfigId.trim() === "") {
    throw new FactoryValidationError(
      `${at}.workflowRef.workflowConfigId is missing.`,
      "FACTORY_STEP_WORKFLOW_NOT_FOUND",
    );
  }
  if (findConfig(context.store, context.account, workflowConfigId) === undefined) {
    throw new FactoryValidationError(
      `${at}: workflow config ${workflowConfigId} was not found.`,
      "FACTORY_STEP_WORKFLOW_NOT_FOUND",
    );
  }

  const payloadSchema = input["payloadSchema"];
  if (payloadSchema !== undefined && payloadSchema !== null) {
    if (!isJsonObject(payloadSchema))
      throw new FactoryValidationError(
        `${at}.workflowRef.payloadSchema must be a JSON Schema object.`,
        "FACTORY_STEP_SCHEMA_INVALID",
      );
    try {
      compilePayloadSchema(payloadSchema);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new FactoryValidationError(
        `${at}.workflowRef.payloadSchema is not a valid JSON Schema: ${reason}.`,
        "FACTORY_STEP_SCHEMA_INVALID",
      );
    }
  }

  const fixerInput = canonicalAgentRef(
    stringOrUndefined(input["fixerAgentRef"]),
    stringOrUndefined(input["fixerAgentId"]),
  );
  if (fixerInput !== undefined) {
    const resolution = resolveFactoryAgent(context.store, context.account, fixerInput);
    if (resolution.kind === "invalid") {
      throw new FactoryValidationError(
        `${at}: fixer agent ref ${fixerInput} is invalid.`,
        "FACTORY_STEP_FIXER_AGENT_REF_INVALID",
      );
    }
    if (resolution.kind !== "resolved") {
      throw new FactoryValidationError(
        `${at}: fixer agent ${fixerInput} was not found.`,
        "FACTORY_STEP_FIXER_AGENT_NOT_FOUND",
      );
    }
  }
  const requested = input["maxRepairAttempts"];
  const attempts =
    typeof requested === "number" && Number.isFinite(requested)
      ? Math.floor(requested)
      : DEFAULT_REPAIR_ATTEMPTS;
  return {
    workflowConfigId,
    ...(isJsonObject(payloadSchema) ? { payloadSchema } : {}),
    ...(fixerInput === undefined ? {} : { fixerAgentRef: fixerInput }),
    // Clamped to 0-5, and 0 without a fixer agent.
    maxRepairAttempts: fixerInput === undefined ? 0 : Math.min(MAX_REPAIR_ATTEMPTS, Math.max(0, attempts)),
  };
}

function buildTransition(input: unknown, at: string, count: number): FactoryTransition {
  if (input === undefined || input === null) return { kind: "next" };
  if (!isJsonObject(input))
    throw new FactoryValidationError(
      `${at}.transition must be an object with a kind.`,
      "FACTORY_INVALID_TRANSITION",
    );
  const kind = input["kind"];
  if (kind === "next" || kind === "stop") return { kind };
  if (kind !== "loop_to_index") {
    throw new FactoryValidationError(
      `${at}.transition.kind must be next, stop or loop_to_index, received ${typeName(kind)}.`,
      "FACTORY_INVALID_TRANSITION",
    );
  }
  const target = input["targetIndex"];
  if (typeof target !== "number" || !Number.isInteger(target) || target < 0 || target >= count) {
    throw new FactoryValidationError(
      `${at}.transition.targetIndex must be the index of a step (0-${count - 1}), received ${typeName(target)}.`,
      "FACTORY_INVALID_TRANSITION",
    );
  }
  return { kind, targetIndex: target };
}

function booleanField(body: JsonObject, name: string): boolean {
  const value = body[name];
  if (value === undefined || value === null) return false;
  if (typeof value !== "boolean")
    throw new FactoryValidationError(`${name} must be a boolean, received ${typeName(value)}.`);
  return value;
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
