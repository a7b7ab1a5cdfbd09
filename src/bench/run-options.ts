import { readFileSync } from "node:fs";
import { ConfigError } from "../config/config-error.ts";
import type { HarnessSettings } from "../config/config-options.ts";
import { redactJson } from "../log/redact.ts";
import { parseTimingModel, type TimingModel } from "../mock/timing-model.ts";
import type { ArrivalProcess } from "./arrival-schedule.ts";
import type { BenchRunSettings } from "./bench-report.ts";
import type { LoadPoint } from "./load-point.ts";
import { LIMITS, type Scenario } from "./scenario.ts";
import { countShards, formatShard, parseShard, type Shard } from "./shard.ts";
import { parseSlo } from "./slo.ts";
import type { EngineName } from "./trial-result.ts";

/**
 * Tolerance for the rounding error of rate times duration, so that 0.29 requests/s for 100 s
 * counts as 29 sends.
 */
const SEND_COUNT_TOLERANCE = 1e-9;

/**
 * Bench-only options of `msq-harness bench <scenario>` as commander passes them (strings until
 * parsed here). Target, keys, timeouts and model names come from `resolveConfig` instead.
 */
export interface BenchRunCliOptions {
  readonly engine?: string;
  readonly mode?: string;
  readonly concurrency?: string;
  readonly rate?: string;
  readonly arrival?: string;
  readonly seed?: string;
  readonly sweep?: string;
  readonly warmup?: string;
  readonly duration?: string;
  readonly requests?: string;
  readonly trials?: string;
  readonly maxInFlight?: string;
  readonly goodput?: readonly string[];
  readonly shard?: string;
  readonly mockTiming?: string;
}

/** The resolved harness settings a run uses: model names and the request timeout. */
export type RunHarnessSettings = Pick<HarnessSettings, "chatModel" | "embeddingModel" | "requestTimeoutMs">;

export interface ResolvedRun {
  readonly settings: BenchRunSettings;
  readonly points: readonly LoadPoint[];
  readonly shard: Shard | undefined;
  /** Timing model for the embedded mock: `--mock-timing FILE`, else the scenario's. */
  readonly mockTiming: TimingModel;
  /** Request body to send, with model overrides applied and nothing redacted. */
  readonly body: Readonly<Record<string, unknown>>;
}

/**
 * Combines a scenario with the command-line options and the resolved harness settings. Each
 * option overrides the scenario field of the same meaning. A configured chat or embedding model
 * replaces the model of the scenario's body.
 */
export function resolveRunOptions(
  scenario: Scenario,
  options: BenchRunCliOptions,
  harness: RunHarnessSettings,
): ResolvedRun {
  const load = scenario.load;
  const mode =
    options.mode === undefined ? load.mode : choice(options.mode, ["closed", "open"] as const, "--mode");
  const engine = resolveEngine(scenario, options.engine, mode);
  const arrival: ArrivalProcess =
    options.arrival === undefined
      ? load.arrival
      : choice(options.arrival, ["constant", "poisson"] as const, "--arrival");

  const concurrency =
    options.concurrency === undefined
      ? load.concurrency
      : integer(options.concurrency, "--concurrency", 1, LIMITS.maxConcurrency);
  const rate = options.rate === undefined ? load.rate : number(options.rate, "--rate", LIMITS.maxRate);
  const sweep = options.sweep === undefined ? load.sweep : parseSweep(options.sweep, mode);
  const levels = sweep ?? [mode === "closed" ? concurrency : rate];
  const points: LoadPoint[] = levels.map((level) =>
    mode === "closed" ? { mode, concurrency: checkedConcurrency(level) } : { mode, rate: level, arrival },
  );

  const body = applyModelOverride(scenario, harness);
  const settings: BenchRunSettings = {
    engine,
    path: scenario.path,
    body: redactJson(body),
    seed: options.seed === undefined ? load.seed : integer(options.seed, "--seed", 0, 2 ** 31 - 1),
    arrival,
    warmupSeconds:
      options.warmup === undefined
        ? load.warmupSeconds
        : number(options.warmup, "--warmup", LIMITS.maxDurationSeconds, 0),
    durationSeconds:
      options.duration === undefined
        ? load.durationSeconds
        : number(options.duration, "--duration", LIMITS.maxDurationSeconds),
    maxRequests:
      options.requests === undefined
        ? load.maxRequests
        : integer(options.requests, "--requests", 1, LIMITS.maxRequests),
    timeoutSeconds: harness.requestTimeoutMs / 1000,
    trials:
      options.trials === undefined ? load.trials : integer(options.trials, "--trials", 1, LIMITS.maxTrials),
    maxInFlight:
      options.maxInFlight === undefined
        ? load.maxInFlight
        : integer(options.maxInFlight, "--max-in-flight", 1, LIMITS.maxConcurrency),
    slo:
      options.goodput === undefined || options.goodput.length === 0
        ? scenario.slo
        : parseSlo(options.goodput),
    thresholds: scenario.thresholds,
  };

  const shard = options.shard === undefined ? undefined : parseShard(options.shard);
  if (shard !== undefined) checkShareOfLoad(shard, points, settings);

  return {
    settings,
    points,
    shard,
    mockTiming: options.mockTiming === undefined ? scenario.mockTiming : readTimingFile(options.mockTiming),
    body,
  };
}

function resolveEngine(scenario: Scenario, option: string | undefined, mode: "closed" | "open"): EngineName {
  let engine: EngineName;
  if (option !== undefined)
    engine = choice(option, ["stream-client", "request-client", "autocannon"] as const, "--engine");
  else if (scenario.engine !== undefined) engine = scenario.engine;
  else if (scenario.kind === "chat-stream") engine = "stream-client";
  else engine = mode === "closed" ? "autocannon" : "request-client";
  const openLoopEngine = scenario.kind === "chat-stream" ? "stream-client" : "request-client";
  if (engine === "autocannon" && mode === "open") {
    throw new ConfigError(
      "--mode open: autocannon cannot send on a planned schedule, so its open-loop latencies would hide queueing " +
        `(coordinated omission). Add --engine ${openLoopEngine}.`,
    );
  }
  if (engine === "stream-client" && scenario.kind !== "chat-stream") {
    throw new ConfigError(
      `--engine stream-client: scenario ${scenario.name} is kind ${scenario.kind}; use request-client or autocannon.`,
    );
  }
  if (engine === "request-client" && scenario.kind === "chat-stream") {
    throw new ConfigError(
      `--engine request-client: scenario ${scenario.name} streams SSE, and the request client reads one ` +
        "JSON body, so every response would fail. Use stream-client, or autocannon for a closed loop.",
    );
  }
  return engine;
}

/**
 * Rejects shard settings that would leave some shard of the run without load, because such a shard
 * sends nothing and its report reads as an empty load level. The check looks at the shard count
 * only, so every shard of one run accepts or rejects the same options whatever its index.
 */
function checkShareOfLoad(shard: Shard, points: readonly LoadPoint[], settings: BenchRunSettings): void {
  const option = `--shard ${formatShard(shard)}`;
  const count = shard.count;
  for (const point of points) {
    if (point.mode === "closed" && point.concurrency < count) {
      throw new ConfigError(
        `${option}: a concurrency of ${point.concurrency} cannot keep a request in flight on each of ` +
          `${countShards(count)}. Raise the concurrency (--concurrency, or every --sweep level) to at least ` +
          `${count}, or use at most ${countShards(point.concurrency)}.`,
      );
    }
    if (point.mode === "open") checkShareOfRate(option, count, point.rate, settings.durationSeconds);
  }
  if (settings.maxRequests < count) {
    throw new ConfigError(
      `${option}: a request bound of ${settings.maxRequests} (--requests) cannot give each of ` +
        `${countShards(count)} a request. Use --requests of at least ${count}, or at most ` +
        `${countShards(settings.maxRequests)}.`,
    );
  }
}

/**
 * Rejects an open-loop rate that plans fewer measured sends than there are shards. Sends are dealt
 * out in turn, so n sends give every shard one. A Poisson schedule varies around this count.
 */
function checkShareOfRate(option: string, count: number, rate: number, durationSeconds: number): void {
  const sends = rate * durationSeconds + SEND_COUNT_TOLERANCE;
  if (sends >= count) return;
  const maxShards = Math.floor(sends);
  throw new ConfigError(
    `${option}: a rate of ${rate} requests/s for ${durationSeconds} s (--duration) plans about ` +
      `${Number(sends.toFixed(2))} measured sends, fewer than one for each of ${countShards(count)}. Raise ` +
      `the rate (--rate, or every --sweep level) or --duration so that rate times duration is at least ` +
      `${count}, ${maxShards >= 1 ? `or use at most ${countShards(maxShards)}.` : "or run without --shard."}`,
  );
}

function applyModelOverride(scenario: Scenario, harness: RunHarnessSettings): Record<string, unknown> {
  const body = { ...scenario.body };
  const model = scenario.kind === "embeddings" ? harness.embeddingModel : harness.chatModel;
  if (model !== undefined) body["model"] = model;
  return body;
}

function parseSweep(text: string, mode: "closed" | "open"): number[] {
  const values = text.split(",").map((part) => part.trim());
  if (values.length === 0 || values.some((value) => value === "")) {
    throw new ConfigError(
      `--sweep: invalid list "${text}". Give comma-separated ${mode === "closed" ? "concurrencies" : "rates"}, for example --sweep 1,8,32.`,
    );
  }
  return values.map((value) =>
    mode === "closed"
      ? integer(value, "--sweep", 1, LIMITS.maxConcurrency)
      : number(value, "--sweep", LIMITS.maxRate),
  );
}

function checkedConcurrency(value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > LIMITS.maxConcurrency) {
    throw new ConfigError(
      `load.sweep: a closed-loop sweep needs integer concurrencies from 1 to ${LIMITS.maxConcurrency}, received ${value}.`,
    );
  }
  return value;
}

function readTimingFile(path: string): TimingModel {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new ConfigError(
      `--mock-timing: failed to read a JSON timing model from ${path}: ${(error as Error).message}. ` +
        "Give the path of a JSON file shaped like the mock.timing field of a scenario in bench/ " +
        '(latencyMs and chat), such as {"latencyMs":{"default":0},"chat":{"ttftMs":150,"interTokenMs":20}}.',
    );
  }
  return parseTimingModel(value, `--mock-timing ${path}`);
}

function choice<T extends string>(value: string, allowed: readonly T[], option: string): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(`${option}: invalid value "${value}". Use one of ${allowed.join(", ")}.`);
  }
  return value as T;
}

function number(text: string, option: string, max: number, min = Number.MIN_VALUE): number {
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value) || value < min || value > max) {
    const lowest = min === Number.MIN_VALUE ? "above 0" : `from ${min}`;
    throw new ConfigError(`${option}: invalid value "${text}". Use a number ${lowest} up to ${max}.`);
  }
  return value;
}

function integer(text: string, option: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || value < min || value > max) {
    throw new ConfigError(`${option}: invalid value "${text}". Use an integer from ${min} to ${max}.`);
  }
  return value;
}
