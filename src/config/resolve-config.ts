import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { closestKnownName } from "./unknown-fields.ts";
import { registerSecret } from "../log/redact.ts";
import { DEFAULT_SPEC_PATH } from "./default-spec-path.ts";
import { ConfigError } from "./config-error.ts";
import {
  CONFIG_OPTIONS,
  configOption,
  describeOptionSources,
  type ConfigOption,
  type HarnessSettings,
} from "./config-options.ts";
import { parseSettingValue, type SettingValue, type ValueSource } from "./config-values.ts";

/** The resolved settings plus the config file they were read from, if any. */
export interface HarnessConfig extends HarnessSettings {
  /** Absolute path of the config file; undefined when none was given. */
  configFile: string | undefined;
}

/** The raw inputs of the resolver. */
export interface ConfigSources {
  /** Flag values keyed by setting key; undefined means the flag was not given. */
  flags?: Partial<Record<keyof HarnessSettings, unknown>>;
  /** Value of `--config`, which wins over `MSQ_CONFIG`. */
  configFlag?: string | undefined;
  env?: Readonly<Record<string, string | undefined>>;
  /** Directory that relative paths resolve against; the process's working directory by default. */
  cwd?: string;
}

export const CONFIG_FILE_ENV = "MSQ_CONFIG";
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/**
 * Resolves the harness settings: command-line flags win over environment variables, which win over
 * the JSON config file, which wins over the defaults. Every API key is registered with
 * `registerSecret` as soon as it is read, so no output can print it.
 * @throws ConfigError for an unreadable config file, an unknown file key, an invalid value or a
 *   contradicting combination. The message names the option, its environment variable and the fix.
 */
export function resolveConfig(sources: ConfigSources = {}): HarnessConfig {
  const env = sources.env ?? process.env;
  const cwd = sources.cwd ?? process.cwd();
  const configPath = sources.configFlag ?? emptyToUndefined(env[CONFIG_FILE_ENV]);
  const configFile = configPath === undefined ? undefined : resolve(cwd, configPath);
  const fileValues =
    configFile === undefined ? {} : readConfigFile(configFile, sources.configFlag !== undefined);

  const values = new Map<keyof HarnessSettings, SettingValue>();
  for (const option of CONFIG_OPTIONS) {
    const found = pickRawValue(option, sources.flags ?? {}, env, fileValues, configFile);
    if (found === undefined) continue;
    const value = parseSettingValue(option, found.raw, found.source, cwd);
    if (option.kind === "secret") registerSecret(value as string);
    values.set(option.key, value);
  }

  const settings: HarnessSettings = {
    target: values.get("target") as string | undefined,
    apiKey: values.get("apiKey") as string | undefined,
    apiKey2: values.get("apiKey2") as string | undefined,
    legacyApiKey: values.get("legacyApiKey") as string | undefined,
    secondUsername: values.get("secondUsername") as string | undefined,
    secondEmail: values.get("secondEmail") as string | undefined,
    thirdApiKey: values.get("thirdApiKey") as string | undefined,
    thirdEmail: values.get("thirdEmail") as string | undefined,
    chatModel: values.get("chatModel") as string | undefined,
    embeddingModel: values.get("embeddingModel") as string | undefined,
    ttsProvider: values.get("ttsProvider") as string | undefined,
    ttsVoice: values.get("ttsVoice") as string | undefined,
    sttProvider: values.get("sttProvider") as string | undefined,
    runPrefix: (values.get("runPrefix") as string | undefined) ?? defaultRunPrefix(),
    readOnly: (values.get("readOnly") as boolean | undefined) ?? false,
    reportDir: (values.get("reportDir") as string | undefined) ?? resolve(cwd, "reports"),
    specPath: (values.get("specPath") as string | undefined) ?? DEFAULT_SPEC_PATH,
    requestTimeoutMs: (values.get("requestTimeoutMs") as number | undefined) ?? DEFAULT_REQUEST_TIMEOUT_MS,
    connectTimeoutMs: (values.get("connectTimeoutMs") as number | undefined) ?? DEFAULT_CONNECT_TIMEOUT_MS,
    mockFaults: (values.get("mockFaults") as readonly string[] | undefined) ?? [],
  };
  checkCombination(settings);
  return { ...settings, configFile };
}

/** A fresh prefix such as `msqh-lzx3k0-a1b2`: the time in base 36 and 4 random hex digits. */
export function defaultRunPrefix(now: number = Date.now()): string {
  return `msqh-${now.toString(36)}-${randomBytes(2).toString("hex")}`;
}

interface RawValue {
  raw: unknown;
  source: ValueSource;
}

function pickRawValue(
  option: ConfigOption,
  flags: Partial<Record<keyof HarnessSettings, unknown>>,
  env: Readonly<Record<string, string | undefined>>,
  fileValues: Readonly<Record<string, unknown>>,
  configFile: string | undefined,
): RawValue | undefined {
  const flagValue = flags[option.key];
  if (flagValue !== undefined && option.flag !== undefined) {
    return { raw: flagValue, source: { name: `option ${option.flag}` } };
  }
  const envValue = env[option.env];
  // An empty variable counts as unset, as CI systems often export empty values for missing secrets.
  if (envValue !== undefined && envValue !== "") {
    return { raw: envValue, source: { name: `environment variable ${option.env}` } };
  }
  if (option.key in fileValues) {
    return {
      raw: fileValues[option.key],
      source: { name: `config file ${configFile ?? ""}, key "${option.key}"` },
    };
  }
  return undefined;
}

function readConfigFile(path: string, fromFlag: boolean): Record<string, unknown> {
  const origin = fromFlag ? "option --config" : `environment variable ${CONFIG_FILE_ENV}`;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === "ENOENT" ? "the file does not exist" : String(error);
    throw new ConfigError(
      `Cannot read the config file ${path} (${origin}): ${reason}. Check the path, or omit it to use flags and environment variables only.`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(
      `The config file ${path} (${origin}) is not valid JSON: ${(error as Error).message}. Fix the syntax; the file holds one JSON object.`,
    );
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new ConfigError(
      `The config file ${path} (${origin}) must hold one JSON object, such as {"target": "https://api.example.com/v1"}.`,
    );
  }
  const validKeys = CONFIG_OPTIONS.map((option) => option.key as string);
  for (const key of Object.keys(parsed)) {
    if (validKeys.includes(key)) continue;
    const suggestion = closestKnownName(key, validKeys);
    const hint = suggestion === undefined ? "" : ` Did you mean "${suggestion}"?`;
    throw new ConfigError(
      `Unknown key "${key}" in the config file ${path}.${hint} Valid keys: ${validKeys.join(", ")}.`,
    );
  }
  return parsed as Record<string, unknown>;
}

function checkCombination(settings: HarnessSettings): void {
  if (settings.target !== undefined && settings.apiKey === undefined) {
    throw new ConfigError(
      `A target is set (${settings.target}) but no API key: set the environment variable MSQ_API_KEY ` +
        `(or the config file key "apiKey") to a key of the target, or drop --target / MSQ_BASE_URL to test the embedded mock.`,
    );
  }
  if (settings.target !== undefined && settings.mockFaults.length > 0) {
    throw new ConfigError(
      "Mock faults (option --mock-fault, environment variable MSQ_MOCK_FAULTS) apply only to the embedded mock, " +
        "but a target is set. Remove the faults, or drop --target / MSQ_BASE_URL.",
    );
  }
  const keys = [
    ["apiKey", settings.apiKey],
    ["apiKey2", settings.apiKey2],
    ["thirdApiKey", settings.thirdApiKey],
  ] as const;
  for (const [index, [key, value]] of keys.entries()) {
    const duplicate = keys.slice(index + 1).find(([, other]) => value !== undefined && other === value);
    if (duplicate !== undefined) {
      throw new ConfigError(
        `${configOption(key).env} and ${configOption(duplicate[0]).env} hold the same key. ` +
          "Namespacing checks need keys of different accounts; set each to a key of its own account.",
      );
    }
  }
  if (settings.legacyApiKey?.startsWith("msq-") === true) {
    throw new ConfigError(
      "Invalid legacyApiKey: received a key that starts with msq-. Set it to a key of the first account without " +
        `the msq- prefix, or unset it. The setting is read from ${describeOptionSources(configOption("legacyApiKey"))}.`,
    );
  }
}

function emptyToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}
