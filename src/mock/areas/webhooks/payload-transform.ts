import { InvalidRequestError, isJsonObject, typeName, type JsonObject } from "../../request-fields.ts";
import { formatValue, renderTemplate, resolvePath } from "./payload-paths.ts";

/**
 * `triggerConfig.payloadTransform`: a whitelist mapping from output keys to values computed from
 * `{ body, headers }`. A value is a literal, a nested mapping or list, or a directive object:
 * `{ $path }`, `{ $template }` or `{ $join: { path, separator } }`, where `$default` next to
 * `$path` or `$join` replaces a value that does not resolve.
 */

/** Output keys in one transform, all nesting levels together. */
export const MAX_TRANSFORM_KEYS = 64;
/** Nesting levels of mappings and lists, the top mapping included. */
export const MAX_TRANSFORM_DEPTH = 4;
export const MAX_TEMPLATE_LENGTH = 2000;
const OUTPUT_KEY = /^[A-Za-z0-9_-]{1,64}$/;
const PARAM = "triggerConfig.payloadTransform";

/**
 * Validates a transform.
 * @throws InvalidRequestError naming the first invalid key or directive by its JSON path.
 */
export function parsePayloadTransform(value: unknown): JsonObject {
  if (!isJsonObject(value))
    throw invalid(PARAM, `must be an object mapping output keys, received ${typeName(value)}`);
  checkMapping(value, PARAM, 1, { keys: 0 });
  return value;
}

function checkMapping(mapping: JsonObject, name: string, depth: number, counter: { keys: number }): void {
  if (depth > MAX_TRANSFORM_DEPTH) throw invalid(name, `nests deeper than ${MAX_TRANSFORM_DEPTH} levels`);
  for (const [key, value] of Object.entries(mapping)) {
    if (!OUTPUT_KEY.test(key))
      throw invalid(`${name}.${key}`, "is not a valid output key; use 1 to 64 of A-Z, a-z, 0-9, _ and -");
    counter.keys += 1;
    if (counter.keys > MAX_TRANSFORM_KEYS)
      throw invalid(name, `has more than ${MAX_TRANSFORM_KEYS} output keys`);
    checkValue(value, `${name}.${key}`, depth, counter);
  }
}

function checkValue(value: unknown, name: string, depth: number, counter: { keys: number }): void {
  if (Array.isArray(value)) {
    if (depth + 1 > MAX_TRANSFORM_DEPTH)
      throw invalid(name, `nests deeper than ${MAX_TRANSFORM_DEPTH} levels`);
    value.forEach((element: unknown, index) => checkValue(element, `${name}[${index}]`, depth + 1, counter));
    return;
  }
  if (!isJsonObject(value)) return;
  if (Object.keys(value).some((key) => key.startsWith("$"))) {
    checkDirective(value, name);
    return;
  }
  checkMapping(value, name, depth + 1, counter);
}

function checkDirective(directive: JsonObject, name: string): void {
  const keys = Object.keys(directive);
  const allowOnly = (allowed: readonly string[]): void => {
    const extra = keys.find((key) => !allowed.includes(key));
    if (extra !== undefined) throw invalid(name, `has ${extra}, which cannot stand next to ${allowed[0]}`);
  };
  const fallback = directive["$default"];
  if ("$path" in directive) {
    allowOnly(["$path", "$default"]);
    requirePath(directive["$path"], `${name}.$path`);
    if (fallback !== undefined && fallback !== null && typeof fallback === "object") {
      throw invalid(`${name}.$default`, "must be a scalar");
    }
  } else if ("$template" in directive) {
    allowOnly(["$template"]);
    const template = directive["$template"];
    if (typeof template !== "string" || template.length > MAX_TEMPLATE_LENGTH) {
      throw invalid(`${name}.$template`, `must be a string of at most ${MAX_TEMPLATE_LENGTH} characters`);
    }
  } else if ("$join" in directive) {
    allowOnly(["$join", "$default"]);
    const join = directive["$join"];
    if (!isJsonObject(join) || Object.keys(join).some((key) => key !== "path" && key !== "separator")) {
      throw invalid(`${name}.$join`, "must be an object with path and an optional separator");
    }
    requirePath(join["path"], `${name}.$join.path`);
    if (join["separator"] !== undefined && typeof join["separator"] !== "string") {
      throw invalid(`${name}.$join.separator`, "must be a string");
    }
    if (fallback !== undefined && typeof fallback !== "string")
      throw invalid(`${name}.$default`, "must be a string for $join");
  } else {
    throw invalid(
      name,
      `has the unknown directive ${keys.find((key) => key.startsWith("$"))}; use $path, $template or $join`,
    );
  }
}

function requirePath(value: unknown, name: string): void {
  if (typeof value !== "string" || value.trim() === "") throw invalid(name, "must be a non-empty dot path");
}

function invalid(name: string, problem: string): InvalidRequestError {
  return new InvalidRequestError(`${name} ${problem}.`, PARAM);
}

/** Builds the transformed payload of a trigger call from `root`, the object `{ body, headers }`. */
export function applyPayloadTransform(transform: JsonObject, root: unknown): JsonObject {
  return Object.fromEntries(Object.entries(transform).map(([key, value]) => [key, evaluate(value, root)]));
}

function evaluate(value: unknown, root: unknown): unknown {
  if (Array.isArray(value)) return value.map((element: unknown) => evaluate(element, root));
  if (!isJsonObject(value)) return value;
  if ("$path" in value) {
    const result = resolvePath(root, String(value["$path"]));
    if (!result.resolved) return value["$default"] ?? null;
    return result.wildcard ? result.values : result.values[0];
  }
  if ("$template" in value) return renderTemplate(String(value["$template"]), root, "empty");
  if ("$join" in value) {
    const join = value["$join"] as JsonObject;
    const result = resolvePath(root, String(join["path"]));
    if (!result.resolved) return value["$default"] ?? "";
    const first = result.values[0];
    const items = result.wildcard ? result.values : Array.isArray(first) ? first : [first];
    return items.map(formatValue).join(typeof join["separator"] === "string" ? join["separator"] : ",");
  }
  return applyPayloadTransform(value, root);
}
