import { readdirSync, readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import { ConfigError } from "../config/config-error.ts";
import { rejectUnknownFields } from "../config/unknown-fields.ts";
import { parseTimingModel, ZERO_TIMING, type TimingModel } from "../mock/timing-model.ts";
import type { ArrivalProcess } from "./arrival-schedule.ts";
import { GATE_METRICS } from "./gate-metrics.ts";
import type { Slo } from "./slo.ts";
import type { EngineName } from "./trial-result.ts";

/** What a scenario sends: streaming chat, non-streaming chat, or embeddings. */
export type ScenarioKind = "chat-stream" | "chat" | "embeddings";

/** Load settings of a scenario file; command-line options override each of them. */
export interface ScenarioLoad {
  readonly mode: "closed" | "open";
  readonly concurrency: number;
  /** Open loop: requests per second. */
  readonly rate: number;
  readonly arrival: ArrivalProcess;
  readonly seed: number;
  /** Concurrencies (closed loop) or rates (open loop) to run one after another. */
  readonly sweep: readonly number[] | undefined;
  readonly warmupSeconds: number;
  readonly durationSeconds: number;
  readonly maxRequests: number;
  readonly trials: number;
  readonly maxInFlight: number;
}

/** A benchmark scenario, read from `bench/<name>.yaml`. */
export interface Scenario {
  readonly name: string;
  readonly description: string;
  readonly file: string;
  readonly kind: ScenarioKind;
  /** Engine named by the file; undefined lets the kind and the load mode choose. */
  readonly engine: EngineName | undefined;
  /** Path below the base URL, such as "/chat/completions". */
  readonly path: string;
  readonly body: Readonly<Record<string, unknown>>;
  readonly load: ScenarioLoad;
  readonly slo: Slo;
  /** Timing model of the embedded mock when the scenario runs without a target. */
  readonly mockTiming: TimingModel;
  /** Per-metric regression thresholds in percent for `bench compare`, such as `ttft.p50: 5`. */
  readonly thresholds: Readonly<Record<string, number>>;
}

/** The folder of scenario files: `bench/` at the repository root. */
export const SCENARIO_DIR = resolve(fileURLToPath(new URL("../../bench/", import.meta.url)));

/** Hard limits that keep every run bounded even when a file or option asks for more. */
export const LIMITS = {
  maxDurationSeconds: 24 * 3600,
  maxRequests: 10_000_000,
  maxConcurrency: 100_000,
  maxRate: 1_000_000,
  maxTrials: 100,
} as const;

const DEFAULT_LOAD: ScenarioLoad = {
  mode: "closed",
  concurrency: 8,
  rate: 10,
  arrival: "poisson",
  seed: 1,
  sweep: undefined,
  warmupSeconds: 2,
  durationSeconds: 10,
  maxRequests: 100_000,
  trials: 5,
  maxInFlight: 10_000,
};

export function listScenarios(directory = SCENARIO_DIR): string[] {
  return readdirSync(directory)
    .filter((file) => file.endsWith(".yaml"))
    .map((file) => basename(file, ".yaml"))
    .sort();
}

/** Loads a scenario by name from `directory`, or from a path ending in `.yaml`. */
export function loadScenario(nameOrPath: string, directory = SCENARIO_DIR): Scenario {
  const file = nameOrPath.endsWith(".yaml") ? resolve(nameOrPath) : join(directory, `${nameOrPath}.yaml`);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    const known = listScenarios(directory).join(", ");
    throw new ConfigError(
      `bench: scenario "${nameOrPath}" not found (no file ${file}). Known scenarios: ${known}.`,
    );
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new ConfigError(`${file}: invalid YAML: ${(error as Error).message}`);
  }
  return parseScenario(raw, file);
}

/** Validates a parsed scenario file; errors name the file and the field. */
export function parseScenario(raw: unknown, file: string): Scenario {
  const root = objectAt(raw, file, "the file");
  rejectUnknownFields(root, SCENARIO_KEYS, file, "");
  const kind = oneOf(root["kind"], ["chat-stream", "chat", "embeddings"] as const, file, "kind");
  const engineValue = root["engine"];
  const engine =
    engineValue === undefined
      ? undefined
      : oneOf(engineValue, ["stream-client", "request-client", "autocannon"] as const, file, "engine");
  if (engine === "stream-client" && kind !== "chat-stream") {
    throw new ConfigError(
      `${file}: engine stream-client times SSE chunks and needs kind chat-stream, received kind ${kind}.`,
    );
  }
  if (engine === "request-client" && kind === "chat-stream") {
    throw new ConfigError(
      `${file}: engine request-client reads one JSON body and cannot read the SSE stream of kind ` +
        "chat-stream. Use engine stream-client, or autocannon for a closed loop.",
    );
  }

  const request = objectAt(root["request"], file, "request");
  rejectUnknownFields(request, ["path", "body"], file, "request.");
  const path = stringAt(request["path"], file, "request.path");
  if (!path.startsWith("/"))
    throw new ConfigError(`${file}: request.path must start with "/", received "${path}".`);
  const body = objectAt(request["body"], file, "request.body");
  if (kind === "chat-stream" && body["stream"] !== true) {
    throw new ConfigError(`${file}: kind chat-stream needs request.body.stream: true.`);
  }

  const loadInput = root["load"] === undefined ? {} : objectAt(root["load"], file, "load");
  const load = parseLoad(loadInput, file);
  const sloInput = root["slo"] === undefined ? {} : objectAt(root["slo"], file, "slo");
  rejectUnknownFields(sloInput, ["ttft", "tpot", "e2el"], file, "slo.");
  const slo: { ttft?: number; tpot?: number; e2el?: number } = {};
  for (const name of ["ttft", "tpot", "e2el"] as const) {
    if (sloInput[name] !== undefined) slo[name] = positive(sloInput[name], file, `slo.${name}`);
  }

  const mock = root["mock"] === undefined ? {} : objectAt(root["mock"], file, "mock");
  rejectUnknownFields(mock, ["timing"], file, "mock.");
  const mockTiming =
    mock["timing"] === undefined ? ZERO_TIMING : parseTimingModel(mock["timing"], `${file}: mock.timing`);
  const thresholdInput =
    root["thresholds"] === undefined ? {} : objectAt(root["thresholds"], file, "thresholds");
  rejectUnknownFields(
    thresholdInput,
    GATE_METRICS.map((metric) => metric.key),
    file,
    "thresholds.",
  );
  const thresholds: Record<string, number> = {};
  for (const [metric, value] of Object.entries(thresholdInput))
    thresholds[metric] = positive(value, file, `thresholds.${metric}`);

  const name = root["name"] === undefined ? basename(file, ".yaml") : stringAt(root["name"], file, "name");
  if (!SCENARIO_NAME.test(name)) {
    throw new ConfigError(
      `${file}: name must consist of letters, digits, ".", "_" and "-", and start with a letter or ` +
        `digit, because it is part of the report file names; received ${JSON.stringify(name)}.`,
    );
  }

  return {
    name,
    description: root["description"] === undefined ? "" : stringAt(root["description"], file, "description"),
    file,
    kind,
    engine,
    path,
    body,
    load,
    slo,
    mockTiming,
    thresholds,
  };
}

function parseLoad(input: Record<string, unknown>, file: string): ScenarioLoad {
  if (input["timeoutSeconds"] !== undefined) {
    throw new ConfigError(
      `${file}: load.timeoutSeconds is not a scenario field, because the request timeout is a harness ` +
        "setting. Remove it, and set the timeout with option --timeout-ms, environment variable " +
        'MSQ_TIMEOUT_MS or config file key "requestTimeoutMs".',
    );
  }
  rejectUnknownFields(input, [...Object.keys(DEFAULT_LOAD)], file, "load.");
  const pick = <K extends keyof ScenarioLoad>(key: K): unknown => input[key] ?? DEFAULT_LOAD[key];
  const sweepInput = input["sweep"];
  let sweep: number[] | undefined;
  if (sweepInput !== undefined) {
    if (!Array.isArray(sweepInput) || sweepInput.length === 0) {
      throw new ConfigError(
        `${file}: load.sweep must be a non-empty list of numbers, received ${JSON.stringify(sweepInput)}.`,
      );
    }
    sweep = sweepInput.map((value, index) =>
      boundedNumber(value, file, `load.sweep[${index}]`, LIMITS.maxRate, "above"),
    );
  }
  return {
    mode: oneOf(pick("mode"), ["closed", "open"] as const, file, "load.mode"),
    concurrency: boundedInteger(pick("concurrency"), file, "load.concurrency", LIMITS.maxConcurrency),
    rate: boundedNumber(pick("rate"), file, "load.rate", LIMITS.maxRate, "above"),
    arrival: oneOf(pick("arrival"), ["constant", "poisson"] as const, file, "load.arrival"),
    seed: boundedInteger(pick("seed"), file, "load.seed", 2 ** 31 - 1, 0),
    sweep,
    warmupSeconds: boundedNumber(
      pick("warmupSeconds"),
      file,
      "load.warmupSeconds",
      LIMITS.maxDurationSeconds,
      "from",
    ),
    durationSeconds: boundedNumber(
      pick("durationSeconds"),
      file,
      "load.durationSeconds",
      LIMITS.maxDurationSeconds,
      "above",
    ),
    maxRequests: boundedInteger(pick("maxRequests"), file, "load.maxRequests", LIMITS.maxRequests),
    trials: boundedInteger(pick("trials"), file, "load.trials", LIMITS.maxTrials),
    maxInFlight: boundedInteger(pick("maxInFlight"), file, "load.maxInFlight", LIMITS.maxConcurrency),
  };
}

/** Scenario names become part of report file names, so they cannot hold a path separator. */
const SCENARIO_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

const SCENARIO_KEYS = [
  "name",
  "description",
  "kind",
  "engine",
  "request",
  "load",
  "slo",
  "mock",
  "thresholds",
];

function objectAt(value: unknown, file: string, field: string): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ConfigError(
      `${file}: ${field} must be a mapping, received ${JSON.stringify(value) ?? "nothing"}.`,
    );
  }
  return value as Record<string, unknown>;
}

function stringAt(value: unknown, file: string, field: string): string {
  if (typeof value !== "string" || value === "") {
    throw new ConfigError(
      `${file}: ${field} must be a non-empty string, received ${JSON.stringify(value) ?? "nothing"}.`,
    );
  }
  return value;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], file: string, field: string): T {
  if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(
      `${file}: ${field} must be one of ${allowed.join(", ")}, received ${JSON.stringify(value) ?? "nothing"}.`,
    );
  }
  return value as T;
}

function positive(value: unknown, file: string, field: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new ConfigError(
      `${file}: ${field} must be a number > 0, received ${JSON.stringify(value) ?? "nothing"}.`,
    );
  }
  return value;
}

/** Checks a number against `LIMITS`: above 0 up to `max`, or from 0 up to `max`. */
function boundedNumber(
  value: unknown,
  file: string,
  field: string,
  max: number,
  lowerBound: "above" | "from",
): number {
  const tooLow = typeof value === "number" && (lowerBound === "above" ? value <= 0 : value < 0);
  if (typeof value !== "number" || !Number.isFinite(value) || tooLow || value > max) {
    const range = lowerBound === "above" ? `above 0 up to ${max}` : `from 0 up to ${max}`;
    throw new ConfigError(
      `${file}: ${field} must be a number ${range}, received ${JSON.stringify(value) ?? "nothing"}.`,
    );
  }
  return value;
}

function boundedInteger(value: unknown, file: string, field: string, max: number, min = 1): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(
      `${file}: ${field} must be an integer from ${min} to ${max}, received ${JSON.stringify(value) ?? "nothing"}.`,
    );
  }
  return value;
}
