import { resolve } from "node:path";
import { ConfigError } from "./config-error.ts";
import { describeOptionSources, type ConfigOption } from "./config-options.ts";
import { MIN_SECRET_LENGTH } from "../log/redact.ts";

/** Where a raw value came from, named the way the user set it. */
export interface ValueSource {
  /** Such as `option --target`, `environment variable MSQ_BASE_URL` or `config file harness.json, key "target"`. */
  readonly name: string;
}

/** A parsed setting value. */
export type SettingValue = string | boolean | number | readonly string[];

const MAX_TIMEOUT_MS = 3_600_000;
const BOOLEAN_TRUE = new Set(["1", "true", "yes", "on"]);
const BOOLEAN_FALSE = new Set(["0", "false", "no", "off", ""]);

/**
 * Parses one raw value (a flag or environment string, or a JSON value from the config file)
 * according to the option's kind.
 * @throws ConfigError naming the option, where the value came from, the value received (never a
 *   secret's value) and the fix.
 */
export function parseSettingValue(
  option: ConfigOption,
  raw: unknown,
  source: ValueSource,
  cwd: string,
): SettingValue {
  switch (option.kind) {
    case "url":
      return parseTargetUrl(option, raw, source);
    case "secret":
      return parseSecret(option, raw, source);
    case "string":
      return parseText(option, raw, source);
    case "boolean":
      return parseBoolean(option, raw, source);
    case "milliseconds":
      return parseMilliseconds(option, raw, source);
    case "run-prefix":
      return parseRunPrefix(option, raw, source);
    case "path":
      return resolve(cwd, parseText(option, raw, source));
    case "list":
      return parseList(option, raw, source);
  }
}

/** Builds the ConfigError of an invalid value. `received` is already safe to print. */
export function invalidValue(
  option: ConfigOption,
  source: ValueSource,
  received: string,
  fix: string,
): ConfigError {
  return new ConfigError(
    `Invalid ${option.key} from ${source.name}: received ${received}. ${fix} ` +
      `The setting is read from ${describeOptionSources(option)}.`,
  );
}

/**
 * Accepts an http or https URL without credentials, query or fragment and returns the server root:
 * the URL without a trailing `/v1`, because spec paths start with `/v1/`, `/webhooks/` or `/.well-known/`.
 */
function parseTargetUrl(option: ConfigOption, raw: unknown, source: ValueSource): string {
  const fix = "Give the http:// or https:// base URL of the deployment, such as https://api.example.com/v1.";
  if (typeof raw !== "string" || raw.trim() === "") throw invalidValue(option, source, describeRaw(raw), fix);
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    const port = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*:(\d+)(?:[/?#]|$)/i.exec(raw.trim())?.[1];
    if (port !== undefined && Number(port) > 65535) {
      throw invalidValue(option, source, `"${raw}", whose port ${port} is above 65535`, fix);
    }
    throw invalidValue(option, source, `"${raw}", which is not a URL`, fix);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw invalidValue(option, source, `"${raw}" with the scheme ${url.protocol}`, fix);
  }
  if (url.username !== "" || url.password !== "") {
    throw invalidValue(
      option,
      source,
      "a URL with a user name or password in it",
      "Remove the credentials from the URL; the API key goes in MSQ_API_KEY.",
    );
  }
  if (url.search !== "" || url.hash !== "") {
    throw invalidValue(option, source, `"${raw}" with a query or fragment`, "Remove the part after ? or #.");
  }
  const path = url.pathname.replace(/\/+$/, "").replace(/\/v1$/, "");
  return `${url.origin}${path}`;
}

/** Accepts a key without whitespace or control characters. The error never contains the value. */
function parseSecret(option: ConfigOption, raw: unknown, source: ValueSource): string {
  if (typeof raw !== "string") {
    throw invalidValue(option, source, describeType(raw), `Set ${option.env} to the key as a string.`);
  }
  if (raw === "")
    throw invalidValue(option, source, "an empty value", `Set ${option.env} to the key, or unset it.`);
  if (/[\s\u0000-\u001f\u007f]/.test(raw)) {
    throw invalidValue(
      option,
      source,
      `a value of ${raw.length} characters that contains whitespace or control characters`,
      "Copy the key again without spaces or line breaks.",
    );
  }
  if (raw.length < MIN_SECRET_LENGTH) {
    throw invalidValue(
      option,
      source,
      `a value of ${raw.length} characters`,
      `Keys shorter than ${MIN_SECRET_LENGTH} characters cannot be kept out of output and reports ` +
        "safely; set the deployment's full key.",
    );
  }
  if (raw.length > 512) {
    throw invalidValue(
      option,
      source,
      `a value of ${raw.length} characters`,
      "API keys are at most 512 characters; check the value.",
    );
  }
  return raw;
}

function parseText(option: ConfigOption, raw: unknown, source: ValueSource): string {
  if (typeof raw !== "string" || raw.trim() === "") {
    throw invalidValue(option, source, describeRaw(raw), `Give a non-empty ${option.valueName ?? "value"}.`);
  }
  return raw.trim();
}

function parseBoolean(option: ConfigOption, raw: unknown, source: ValueSource): boolean {
  if (typeof raw === "boolean") return raw;
  if (typeof raw === "string") {
    const text = raw.trim().toLowerCase();
    if (BOOLEAN_TRUE.has(text)) return true;
    if (BOOLEAN_FALSE.has(text)) return false;
  }
  throw invalidValue(
    option,
    source,
    describeRaw(raw),
    "Use true or false (1/0, yes/no and on/off also work).",
  );
}

function parseMilliseconds(option: ConfigOption, raw: unknown, source: ValueSource): number {
  const value = typeof raw === "string" && /^\s*\d+\s*$/.test(raw) ? Number(raw) : raw;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > MAX_TIMEOUT_MS) {
    throw invalidValue(
      option,
      source,
      describeRaw(raw),
      `Give a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}.`,
    );
  }
  return value;
}

const RUN_PREFIX_PATTERN = /^[a-z][a-z0-9-]{2,31}$/;

function parseRunPrefix(option: ConfigOption, raw: unknown, source: ValueSource): string {
  if (typeof raw !== "string" || !RUN_PREFIX_PATTERN.test(raw)) {
    throw invalidValue(
      option,
      source,
      describeRaw(raw),
      "Use 3 to 32 lowercase letters, digits and hyphens, starting with a letter, such as msqh-ci-1234.",
    );
  }
  return raw;
}

function parseList(option: ConfigOption, raw: unknown, source: ValueSource): readonly string[] {
  const items = typeof raw === "string" ? raw.split(",") : Array.isArray(raw) ? raw : undefined;
  if (items === undefined || items.some((item) => typeof item !== "string")) {
    throw invalidValue(
      option,
      source,
      describeRaw(raw),
      "Give a comma-separated list, or a JSON array of strings in the config file.",
    );
  }
  return (items as string[]).map((item) => item.trim()).filter((item) => item !== "");
}

/** Describes a non-secret raw value for an error message. */
export function describeRaw(raw: unknown): string {
  if (raw === undefined) return "nothing";
  if (typeof raw === "string") return raw === "" ? "an empty string" : JSON.stringify(raw);
  return `${JSON.stringify(raw)} (${describeType(raw)})`;
}

function describeType(raw: unknown): string {
  if (raw === null) return "null";
  if (Array.isArray(raw)) return "an array";
  return `a ${typeof raw}`;
}
