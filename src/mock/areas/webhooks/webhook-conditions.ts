import { InvalidRequestError, isJsonObject, typeName } from "../../request-fields.ts";
import { resolvePath } from "./payload-paths.ts";

export type ConditionScalar = string | number | boolean | null;

export interface ConditionLeaf {
  readonly path: string;
  readonly op: ConditionOperator;
  readonly value?: ConditionScalar | readonly ConditionScalar[];
}

/** A gate: `all` passes when every node passes, `any` when one does; with both, both must pass. */
export interface ConditionGroup {
  readonly all?: readonly ConditionNode[];
  readonly any?: readonly ConditionNode[];
}

export type ConditionNode = ConditionLeaf | ConditionGroup;

const OPERATORS = [
  "eq",
  "neq",
  "in",
  "nin",
  "exists",
  "not_exists",
  "contains",
  "startsWith",
  "gt",
  "lt",
] as const;
export type ConditionOperator = (typeof OPERATORS)[number];

/** Nesting levels of condition groups, the top group included. */
export const MAX_CONDITION_DEPTH = 4;
/** Condition leaves in one webhook's conditions, all levels together. */
export const MAX_CONDITION_LEAVES = 32;

/**
 * Validates `triggerConfig.conditions`.
 * @throws InvalidRequestError naming the first invalid node by its JSON path.
 */
export function parseConditions(value: unknown, name: string): ConditionGroup {
  const counter = { leaves: 0 };
  return parseGroup(value, name, 1, counter);
}

function parseGroup(
  value: unknown,
  name: string,
  depth: number,
  counter: { leaves: number },
): ConditionGroup {
  if (depth > MAX_CONDITION_DEPTH) {
    throw invalid(name, `nests condition groups deeper than ${MAX_CONDITION_DEPTH} levels`);
  }
  if (!isJsonObject(value))
    throw invalid(name, `must be a condition group object, received ${typeName(value)}`);
  const keys = Object.keys(value);
  if (keys.length === 0 || keys.some((key) => key !== "all" && key !== "any")) {
    throw invalid(name, "must have all, any or both, and no other keys");
  }
  const group: { all?: ConditionNode[]; any?: ConditionNode[] } = {};
  for (const key of ["all", "any"] as const) {
    const nodes = value[key];
    if (nodes === undefined) continue;
    if (!Array.isArray(nodes))
      throw invalid(`${name}.${key}`, `must be a list of conditions, received ${typeName(nodes)}`);
    group[key] = nodes.map((node: unknown, index) => {
      const nodeName = `${name}.${key}[${index}]`;
      const isLeaf = isJsonObject(node) && ("path" in node || "op" in node);
      return isLeaf ? parseLeaf(node, nodeName, counter) : parseGroup(node, nodeName, depth + 1, counter);
    });
  }
  return group;
}

function parseLeaf(node: Record<string, unknown>, name: string, counter: { leaves: number }): ConditionLeaf {
  counter.leaves += 1;
  if (counter.leaves > MAX_CONDITION_LEAVES)
    throw invalid(name, `exceeds the limit of ${MAX_CONDITION_LEAVES} conditions`);
  const unknownKey = Object.keys(node).find((key) => key !== "path" && key !== "op" && key !== "value");
  if (unknownKey !== undefined)
    throw invalid(name, `has the unknown key ${unknownKey}; a condition has path, op and value`);
  const { path, op, value } = node;
  if (typeof path !== "string" || path.trim() === "")
    throw invalid(`${name}.path`, "must be a non-empty dot path");
  if (!OPERATORS.includes(op as ConditionOperator)) {
    throw invalid(`${name}.op`, `must be one of ${OPERATORS.join(", ")}, received ${typeName(op)}`);
  }
  const operator = op as ConditionOperator;
  switch (operator) {
    case "in":
    case "nin":
      if (!Array.isArray(value) || !value.every(isScalar))
        throw invalid(`${name}.value`, `must be a list of scalars for ${operator}`);
      break;
    case "gt":
    case "lt":
      if (typeof value !== "number") throw invalid(`${name}.value`, `must be a number for ${operator}`);
      break;
    case "startsWith":
      if (typeof value !== "string") throw invalid(`${name}.value`, "must be a string for startsWith");
      break;
    case "eq":
    case "neq":
    case "contains":
      if (!isScalar(value))
        throw invalid(`${name}.value`, `must be a string, number, boolean or null for ${operator}`);
      break;
    case "exists":
    case "not_exists":
      break;
  }
  return value === undefined
    ? { path, op: operator }
    : { path, op: operator, value: value as ConditionScalar | ConditionScalar[] };
}

function isScalar(value: unknown): value is ConditionScalar {
  return value === null || ["string", "number", "boolean"].includes(typeof value);
}

function invalid(name: string, problem: string): InvalidRequestError {
  return new InvalidRequestError(`${name} ${problem}.`, "triggerConfig.conditions");
}

/** Evaluates the conditions against `root`, the object `{ body, headers }` of a trigger call. */
export function conditionsMet(group: ConditionGroup, root: unknown): boolean {
  const all = group.all === undefined || group.all.every((node) => nodeMet(node, root));
  const any = group.any === undefined || group.any.some((node) => nodeMet(node, root));
  return all && any;
}

function nodeMet(node: ConditionNode, root: unknown): boolean {
  return "op" in node ? leafMet(node, root) : conditionsMet(node, root);
}

/**
 * Evaluates one condition. A path that does not resolve fails every operator but `not_exists`.
 * Under a `*` segment the leaf passes when one element passes, except `nin`, which passes only
 * when no element is listed.
 */
function leafMet(leaf: ConditionLeaf, root: unknown): boolean {
  const result = resolvePath(root, leaf.path);
  if (leaf.op === "not_exists") return !result.resolved;
  if (!result.resolved) return false;
  if (leaf.op === "nin") return result.values.every((actual) => compare(leaf, actual));
  return result.values.some((actual) => compare(leaf, actual));
}

function compare(leaf: ConditionLeaf, actual: unknown): boolean {
  const expected = leaf.value;
  switch (leaf.op) {
    case "eq":
      return actual === expected;
    case "neq":
      return actual !== expected;
    case "in":
      return Array.isArray(expected) && expected.includes(actual as ConditionScalar);
    case "nin":
      return Array.isArray(expected) && !expected.includes(actual as ConditionScalar);
    case "exists":
      return true;
    case "not_exists":
      return false;
    case "contains":
      if (typeof actual === "string") return typeof expected === "string" && actual.includes(expected);
      return Array.isArray(actual) && actual.some((element) => element === expected);
    case "startsWith":
      return typeof actual === "string" && typeof expected === "string" && actual.startsWith(expected);
    case "gt":
      return typeof actual === "number" && typeof expected === "number" && actual > expected;
    case "lt":
      return typeof actual === "number" && typeof expected === "number" && actual < expected;
  }
}
