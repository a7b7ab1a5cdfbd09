import { ConfigError } from "../config/config-error.ts";
import { closestKnownName, rejectUnknownFields } from "../config/unknown-fields.ts";

/**
 * How long the mock takes to answer. The benchmarks are calibrated against this model, so the mock
 * schedules every send at the planned time and measures how far real send times drift from it.
 *
 * All durations are milliseconds. The default model has no delays, so contract suites run fast.
 */
export interface TimingModel {
  /** Delay before the response of each operation starts, by operationId; `default` covers the rest. */
  readonly latencyMs: Readonly<Record<string, number>> & { readonly default: number };
  readonly chat: ChatTiming;
  /** Background embedding of files added to vector stores; omitted means embedding takes no time. */
  readonly embedding?: EmbeddingTiming;
  /** Optional seeded jitter: each planned delay is multiplied by `1 + u`, with `u` uniform in ±ratio. */
  readonly jitter?: { readonly ratio: number; readonly seed: number };
  /**
   * Interval of the `:workflow-heartbeat` comment lines on workflow run streams; the documented
   * 10 000 ms (`DEFAULT_WORKFLOW_HEARTBEAT_MS`) when omitted. Tests set a short one to see heartbeats.
   */
  readonly workflowHeartbeatMs?: number;
  /** Interval of the `:factory-heartbeat` comment lines on factory run streams; 10 000 ms when omitted. */
  readonly factoryHeartbeatMs?: number;
  /** Interval of the `:video-heartbeat` comment lines on video run streams; 10 000 ms when omitted. */
  readonly videoHeartbeatMs?: number;
}

/** The heartbeat interval of workflow run streams given by the reference pages. */
export const DEFAULT_WORKFLOW_HEARTBEAT_MS = 10_000;

/** The heartbeat interval of factory and video run streams given by the reference pages. */
export const DEFAULT_RUN_HEARTBEAT_MS = 10_000;

/** Timing of chat completions, streaming and not. */
export interface ChatTiming {
  /**
   * From the request's arrival to the first content delta. The role-only first chunk is sent as
   * soon as the stream opens and does not count as a token.
   */
  readonly ttftMs: number;
  /** Between successive content deltas. */
  readonly interTokenMs: number;
  /** Tokens carried by each content delta. */
  readonly tokensPerChunk: number;
  /** Output length in tokens when the request sets no `max_tokens`; `max_tokens` caps it. */
  readonly outputTokens: number;
}

/** Timing of the embedding that follows adding files to a vector store. */
export interface EmbeddingTiming {
  /**
   * Time to embed one batch of files, counted from the moment the files are queued. The files of
   * a batch finish together; batches run one after another.
   */
  readonly batchMs: number;
}

export const ZERO_TIMING: TimingModel = {
  latencyMs: { default: 0 },
  chat: { ttftMs: 0, interTokenMs: 0, tokensPerChunk: 1, outputTokens: 16 },
};

/**
 * Parses a timing model from JSON text (a `--timing FILE` or a benchmark scenario), filling omitted
 * fields from `ZERO_TIMING`. `source` names the file or option in error messages.
 */
export function parseTimingModel(value: unknown, source: string): TimingModel {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ConfigError(`${source}: the timing model must be a JSON object, received ${describe(value)}.`);
  }
  const input = value as Record<string, unknown>;
  rejectUnknownFields(input, TIMING_KEYS, source, "");
  const latencyInput = optionalObject(
    input["latencyMs"],
    `${source}: latencyMs`,
    'of milliseconds by operationId, with "default" for the rest, such as {"default": 5}',
  );
  const latencyMs: Record<string, number> & { default: number } = { default: 0 };
  for (const [operationId, delay] of Object.entries(latencyInput)) {
    latencyMs[operationId] = delayMs(delay, `${source}: latencyMs.${operationId}`);
  }

  const chatInput = optionalObject(
    input["chat"],
    `${source}: chat`,
    'such as {"ttftMs": 150, "interTokenMs": 20}',
  );
  rejectUnknownFields(chatInput, CHAT_TIMING_KEYS, source, "chat.");
  const defaults = ZERO_TIMING.chat;
  const chat: ChatTiming = {
    ttftMs: delayMs(chatInput["ttftMs"] ?? defaults.ttftMs, `${source}: chat.ttftMs`),
    interTokenMs: delayMs(chatInput["interTokenMs"] ?? defaults.interTokenMs, `${source}: chat.interTokenMs`),
    tokensPerChunk: positiveInteger(
      chatInput["tokensPerChunk"] ?? defaults.tokensPerChunk,
      `${source}: chat.tokensPerChunk`,
    ),
    outputTokens: positiveInteger(
      chatInput["outputTokens"] ?? defaults.outputTokens,
      `${source}: chat.outputTokens`,
    ),
  };

  const heartbeats: Partial<
    Record<"workflowHeartbeatMs" | "factoryHeartbeatMs" | "videoHeartbeatMs", number>
  > = {};
  for (const field of ["workflowHeartbeatMs", "factoryHeartbeatMs", "videoHeartbeatMs"] as const) {
    if (input[field] !== undefined) heartbeats[field] = positiveNumber(input[field], `${source}: ${field}`);
  }
  const model: TimingModel = { latencyMs, chat, ...heartbeats };
  if (input["jitter"] === undefined) return withEmbeddingTiming(model, input["embedding"], source);
  const jitterInput = optionalObject(
    input["jitter"],
    `${source}: jitter`,
    'such as {"ratio": 0.1, "seed": 1}',
  );
  rejectUnknownFields(jitterInput, ["ratio", "seed"], source, "jitter.");
  const ratio = nonNegative(jitterInput["ratio"], `${source}: jitter.ratio`);
  if (ratio >= 1) {
    throw new ConfigError(
      `${source}: jitter.ratio must be below 1 so that delays stay positive, received ${ratio}.`,
    );
  }
  const seed = nonNegative(jitterInput["seed"] ?? 1, `${source}: jitter.seed`);
  return withEmbeddingTiming({ ...model, jitter: { ratio, seed } }, input["embedding"], source);
}

function withEmbeddingTiming(model: TimingModel, value: unknown, source: string): TimingModel {
  if (value === undefined) return model;
  const embeddingInput = optionalObject(value, `${source}: embedding`, 'such as {"batchMs": 300}');
  rejectUnknownFields(embeddingInput, ["batchMs"], source, "embedding.");
  return {
    ...model,
    embedding: { batchMs: delayMs(embeddingInput["batchMs"] ?? 0, `${source}: embedding.batchMs`) },
  };
}

/** Fields of a timing model; `parseTimingModel` rejects any other, such as a misspelt one. */
const TIMING_KEYS = [
  "latencyMs",
  "chat",
  "embedding",
  "jitter",
  "workflowHeartbeatMs",
  "factoryHeartbeatMs",
  "videoHeartbeatMs",
] as const;

const CHAT_TIMING_KEYS = ["ttftMs", "interTokenMs", "tokensPerChunk", "outputTokens"] as const;

/**
 * Maximum delay a timing model may set: one hour. Longer ones are typing errors, and Node timers
 * overflow above about 24.8 days, where they fire at once with a warning.
 */
const MAX_DELAY_MS = 3_600_000;

/**
 * Rejects latencyMs keys that name no operation of the spec, such as a misspelt operationId,
 * which would otherwise leave that operation at the default delay without a word.
 */
export function checkLatencyOperations(model: TimingModel, operationIds: readonly string[]): void {
  for (const key of Object.keys(model.latencyMs)) {
    if (key === "default" || operationIds.includes(key)) continue;
    const suggestion = closestKnownName(key, operationIds);
    const hint = suggestion === undefined ? "" : ` Did you mean latencyMs.${suggestion}?`;
    throw new ConfigError(
      `timing model: latencyMs.${key} names no operation of the spec.${hint} Use an operationId from ` +
        "`msq-harness spec coverage --json`, or default.",
    );
  }
}

/** Returns `value` as an object, `{}` when undefined; `shape` describes the expected object in the error. */
function optionalObject(value: unknown, name: string, shape: string): Record<string, unknown> {
  if (value === undefined) return {};
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ConfigError(`${name} must be an object ${shape}, received ${describe(value)}.`);
  }
  return value as Record<string, unknown>;
}

function nonNegative(value: unknown, name: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new ConfigError(`${name} must be a number >= 0, received ${describe(value)}.`);
  }
  return value;
}

/** Returns a delay from 0 to `MAX_DELAY_MS` milliseconds. */
function delayMs(value: unknown, name: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > MAX_DELAY_MS) {
    throw new ConfigError(
      `${name} must be a number of milliseconds from 0 to ${MAX_DELAY_MS} (one hour), received ${describe(value)}.`,
    );
  }
  return value;
}

function positiveNumber(value: unknown, name: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0 || value > MAX_DELAY_MS) {
    throw new ConfigError(
      `${name} must be a number of milliseconds above 0 and up to ${MAX_DELAY_MS} (one hour), received ${describe(value)}.`,
    );
  }
  return value;
}

function positiveInteger(value: unknown, name: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new ConfigError(`${name} must be an integer >= 1, received ${describe(value)}.`);
  }
  return value;
}

function describe(value: unknown): string {
  return value === undefined ? "nothing" : JSON.stringify(value);
}
