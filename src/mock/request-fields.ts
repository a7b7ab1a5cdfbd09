/**
 * Readers for the fields of a JSON request body. Each throws `InvalidRequestError` naming the
 * field, the value received and what is expected; the deployment turns it into a 400 in the
 * operation's error family.
 */

export class InvalidRequestError extends Error {
  override readonly name = "InvalidRequestError";
  constructor(
    message: string,
    /** The request field at fault. */
    readonly param?: string,
  ) {
    super(message);
  }
}

export type JsonObject = Record<string, unknown>;

/** Returns the body as an object; a missing body or any other JSON value is invalid. */
export function requireBodyObject(json: unknown): JsonObject {
  if (json === undefined) throw new InvalidRequestError("The request body is missing; send a JSON object.");
  if (!isJsonObject(json)) {
    throw new InvalidRequestError(`The request body must be a JSON object, received ${typeName(json)}.`);
  }
  return json;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Returns a required string field; blank strings count as missing. */
export function requiredString(body: JsonObject, name: string): string {
  const value = body[name];
  if (value === undefined || value === null || (typeof value === "string" && value.trim() === "")) {
    throw new InvalidRequestError(`${name} is missing; send it as a non-empty string.`, name);
  }
  if (typeof value !== "string") {
    throw new InvalidRequestError(`${name} must be a string, received ${typeName(value)}.`, name);
  }
  return value;
}

export function optionalString(body: JsonObject, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") {
    throw new InvalidRequestError(`${name} must be a string, received ${typeName(value)}.`, name);
  }
  return value;
}

export function optionalBoolean(body: JsonObject, name: string): boolean | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") {
    throw new InvalidRequestError(`${name} must be a boolean, received ${typeName(value)}.`, name);
  }
  return value;
}

/** Reads a boolean that may also arrive as the string "true" or "false" (form fields, lenient JSON). */
export function booleanOrBooleanString(value: unknown, name: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "boolean") return value;
  if (value === "true") return true;
  if (value === "false") return false;
  throw new InvalidRequestError(
    `${name} must be true or false (a boolean or the string), received ${typeName(value)}.`,
    name,
  );
}

export function optionalNumber(
  body: JsonObject,
  name: string,
  bounds: { minimum?: number; maximum?: number; integer?: boolean } = {},
): number | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  const kind = bounds.integer === true ? "an integer" : "a number";
  if (
    typeof value !== "number" ||
    !Number.isFinite(value) ||
    (bounds.integer === true && !Number.isInteger(value))
  ) {
    throw new InvalidRequestError(`${name} must be ${kind}, received ${typeName(value)}.`, name);
  }
  if (
    (bounds.minimum !== undefined && value < bounds.minimum) ||
    (bounds.maximum !== undefined && value > bounds.maximum)
  ) {
    const range = `${bounds.minimum ?? "-∞"}..${bounds.maximum ?? "∞"}`;
    throw new InvalidRequestError(`${name} must be ${kind} in ${range}, received ${value}.`, name);
  }
  return value;
}

export function optionalObject(body: JsonObject, name: string): JsonObject | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (!isJsonObject(value)) {
    throw new InvalidRequestError(`${name} must be an object, received ${typeName(value)}.`, name);
  }
  return value;
}

/** Reads an optional list of strings. `name` is the field path used in messages. */
export function optionalStringList(value: unknown, name: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((item) => typeof item !== "string")) {
    throw new InvalidRequestError(`${name} must be a list of strings, received ${typeName(value)}.`, name);
  }
  return value as string[];
}

/** Reads an optional object whose values are all strings, such as headers or labels. */
export function optionalStringRecord(value: unknown, name: string): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isJsonObject(value) || Object.values(value).some((item) => typeof item !== "string")) {
    throw new InvalidRequestError(
      `${name} must be an object of string values, received ${typeName(value)}.`,
      name,
    );
  }
  return value as Record<string, string>;
}

/** Reads an optional value that must be one of `allowed`. `name` is the field path used in messages. */
export function optionalOneOf<T extends string>(
  value: unknown,
  name: string,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined || value === null) return undefined;
  if (!(allowed as readonly unknown[]).includes(value)) {
    throw new InvalidRequestError(
      `${name} must be one of ${allowed.join(", ")}, received ${typeName(value)}.`,
      name,
    );
  }
  return value as T;
}

/** Parses `value` as an absolute http or https URL; returns undefined for anything else. */
export function parseHttpUrl(value: string): URL | undefined {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:" ? url : undefined;
  } catch {
    return undefined;
  }
}

/** Reads a required absolute http or https URL. `name` is the field path used in messages. */
export function requiredHttpUrl(value: unknown, name: string): URL {
  const url = typeof value === "string" ? parseHttpUrl(value) : undefined;
  if (url === undefined) {
    throw new InvalidRequestError(
      `${name} must be an absolute http or https URL, received ${typeName(value)}.`,
      name,
    );
  }
  return url;
}

/** Returns the first of several spellings of a field that is present (`max_tokens`, `maxTokens`). */
export function firstPresent(body: JsonObject, names: readonly string[]): string | undefined {
  return names.find((name) => body[name] !== undefined && body[name] !== null);
}

/** Describes a JSON value for an error message without echoing long or secret content. */
export function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return value.length > 40 ? "a string" : JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return typeof value === "object" ? "an object" : typeof value;
}
