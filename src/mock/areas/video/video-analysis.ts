import { createHash } from "node:crypto";
import type { JsonObject } from "../../request-fields.ts";
import { mulberry32 } from "../../seeded-random.ts";
import { countTokens } from "../../token-count.ts";
import { exampleFromSchema } from "../chat/reply-generator.ts";
import { readVideoMetadata, type VideoMetadata } from "./video-metadata.ts";
import type { VideoAnalysisRequest, VideoResponseFormat } from "./video-requests.ts";

/** The origin of the analyzed video, as reports and run records give it. */
export interface VideoSource {
  readonly type: "fileId" | "upload";
  readonly fileId?: string;
  readonly filename: string;
}

/** Token counts in the camelCase form of the reports. */
export interface TokenUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly totalTokens: number;
}

/** A failed analysis: where it failed and what it produced before. */
export interface AnalysisFailure {
  readonly message: string;
  readonly stage: "batch" | "final";
  readonly failedBatchIndex?: number;
  readonly attemptCount: number;
  readonly partialReport: JsonObject;
}

/** The outcome of an analysis, with the time each model pass takes under the timing model. */
export interface AnalysisPlan {
  readonly report: JsonObject;
  readonly usage: TokenUsage;
  /** Output tokens of each model pass, batches first and the final pass last, for timing. */
  readonly passTokens: readonly number[];
  readonly failure?: AnalysisFailure;
}

/**
 * Defaults of the options the reference pages leave open.
 * NOTE: estimates; the pages document the option names but not their defaults.
 */
export const VIDEO_DEFAULTS = {
  sampleFps: 1,
  framesPerBatch: 10,
  maxTotalFrames: 300,
  maxRetries: 2,
} as const;

/** Maximum number of frames the mock analyzes, whatever `maxTotalFrames` requests, to keep reports small. */
export const MOCK_MAX_FRAMES = 10_000;

/**
 * Prompt tokens billed per frame.
 * NOTE: an estimate of what vision models charge for a downscaled frame.
 */
const PROMPT_TOKENS_PER_FRAME = 258;

const SUBJECTS = ["The user", "The presenter", "The cursor", "The narrator"];
const ACTIONS = [
  "opens",
  "scrolls through",
  "selects",
  "edits",
  "reviews",
  "submits",
  "searches",
  "filters",
  "drags",
  "closes",
];
const OBJECTS = [
  "the dashboard",
  "a settings page",
  "the inbox",
  "a spreadsheet",
  "the report form",
  "a contact record",
  "the search results",
  "a chart",
  "the task list",
  "a dialog",
];
const SERVICES = ["Gmail", "Google Sheets", "Slack", "HubSpot", "Notion", "Jira", "GitHub", "Salesforce"];
const UI_ELEMENTS = [
  "Search bar",
  "Sidebar",
  "Save button",
  "Table",
  "Filter menu",
  "Tab bar",
  "Form fields",
  "Toolbar",
];

interface FrameBatch {
  readonly batchIndex: number;
  readonly startSec: number;
  readonly endSec: number;
  readonly frameCount: number;
}

/**
 * Analyzes a video deterministically: the same bytes and request always give the same report. The
 * frames follow the clip range, `sampleFps`, `maxTotalFrames` and `framesPerBatch`; each batch gets
 * one sentence, and the final pass summarizes the batches. `providerFails` makes the model pass
 * after the first batch fail, as a provider that keeps failing would.
 */
export function analyzeVideo(
  request: VideoAnalysisRequest,
  source: VideoSource,
  bytes: Uint8Array,
  providerFails: boolean,
): AnalysisPlan {
  const metadata = readVideoMetadata(bytes);
  const seed = createHash("sha256").update(bytes).update(JSON.stringify(request)).digest().readUInt32BE(0);
  const random = mulberry32(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const { batches, warnings } = planBatches(request, metadata);
  const maxRetries = request.options?.maxRetries ?? VIDEO_DEFAULTS.maxRetries;

  const sentences = batches.map(
    (batch) =>
      `${pick(SUBJECTS)} ${pick(ACTIONS)} ${pick(OBJECTS)} from ${batch.startSec}s to ${batch.endSec}s.`,
  );
  const failAt = providerFails ? Math.min(1, batches.length) : undefined;
  const passTokens: number[] = [];
  const passUsages: TokenUsage[] = [];
  const batchPrompt =
    request.prompt === undefined
      ? "Describe these frames."
      : `${request.prompt.batchSystemPrompt ?? ""} ${request.prompt.batchInstructions}`;

  const outputs = batches.slice(0, failAt).map((batch, index) => {
    const output = passOutput(sentences[index] ?? "", request.prompt?.batchResponseFormat, random);
    const completion = Math.min(countTokens(output.rawText), request.options?.maxTokensPerBatch ?? Infinity);
    const usage = usageOf(batch.frameCount * PROMPT_TOKENS_PER_FRAME + countTokens(batchPrompt), completion);
    passTokens.push(completion);
    passUsages.push(usage);
    return { batch, output, usage };
  });

  const context = { request, source, metadata, warnings, outputs, services: pickServices(random), pick };
  if (failAt !== undefined) {
    const attemptCount = maxRetries + 1;
    const stage = failAt < batches.length ? "batch" : "final";
    const partialReport = buildReport(context, undefined);
    return {
      report: partialReport,
      usage: sumUsage(passUsages),
      passTokens,
      failure: {
        message: `The model request of ${stage === "batch" ? `batch ${failAt}` : "the final pass"} failed after ${attemptCount} attempts (simulated provider failure).`,
        stage,
        ...(stage === "batch" ? { failedBatchIndex: failAt } : {}),
        attemptCount,
        partialReport,
      },
    };
  }

  const summary = sentences.length === 0 ? "No frames were analyzed." : sentences.slice(0, 20).join(" ");
  const final = passOutput(summary, request.prompt?.finalResponseFormat, random);
  const finalCompletion = Math.min(countTokens(final.rawText), request.options?.maxTokensFinal ?? Infinity);
  const finalPrompt =
    request.prompt === undefined
      ? "Describe the workflow."
      : `${request.prompt.finalSystemPrompt ?? ""} ${request.prompt.finalInstructions}`;
  const finalUsage = usageOf(
    passTokens.reduce((sum, tokens) => sum + tokens, 0) + countTokens(finalPrompt),
    finalCompletion,
  );
  passTokens.push(finalCompletion);
  passUsages.push(finalUsage);
  return {
    report: buildReport(context, { output: final, usage: finalUsage }),
    usage: sumUsage(passUsages),
    passTokens,
  };
}

/** Splits the clip into frame batches and lists the warnings about the request's bounds. */
function planBatches(
  request: VideoAnalysisRequest,
  metadata: VideoMetadata,
): { batches: FrameBatch[]; warnings: string[] } {
  const options = request.options ?? {};
  const warnings: string[] = [];
  const duration = metadata.durationSec;
  const clipStart = options.clipStartSec ?? 0;
  let clipEnd = options.clipEndSec ?? duration;
  if (clipEnd > duration) {
    warnings.push(
      `clipEndSec ${clipEnd} is past the end of the video (${duration} s), so the clip ends there.`,
    );
    clipEnd = duration;
  }
  if (clipStart >= duration) {
    warnings.push(
      `clipStartSec ${clipStart} is past the end of the video (${duration} s), so no frames were analyzed.`,
    );
    return { batches: [], warnings };
  }

  const length = clipEnd - clipStart;
  const wanted = Math.max(1, Math.floor(length * (options.sampleFps ?? VIDEO_DEFAULTS.sampleFps)));
  const cap = Math.min(options.maxTotalFrames ?? VIDEO_DEFAULTS.maxTotalFrames, MOCK_MAX_FRAMES);
  const frames = Math.min(wanted, cap);
  if (frames < wanted)
    warnings.push(`Sampled ${frames} of ${wanted} frames because of the frame limit of ${cap}.`);

  const interval = length / frames;
  const perBatch = options.framesPerBatch ?? VIDEO_DEFAULTS.framesPerBatch;
  const batches: FrameBatch[] = [];
  for (let first = 0; first < frames; first += perBatch) {
    const last = Math.min(frames, first + perBatch);
    batches.push({
      batchIndex: batches.length,
      startSec: roundSeconds(clipStart + first * interval),
      endSec: roundSeconds(clipStart + last * interval),
      frameCount: last - first,
    });
  }
  return { batches, warnings };
}

interface PassOutput {
  readonly rawText: string;
  readonly parsed?: unknown;
}

/** Builds the output of one model pass in its response format: the text, or JSON that fits the schema. */
function passOutput(text: string, format: VideoResponseFormat | undefined, random: () => number): PassOutput {
  if (format === undefined || format.type === "text") return { rawText: text };
  const schema = format.type === "json_schema" ? format.json_schema.schema : format.schema;
  const parsed = schema === undefined ? { summary: text } : exampleFromSchema(schema, random, 0);
  return { rawText: JSON.stringify(parsed), parsed };
}

interface ReportContext {
  readonly request: VideoAnalysisRequest;
  readonly source: VideoSource;
  readonly metadata: VideoMetadata;
  readonly warnings: readonly string[];
  readonly outputs: readonly { batch: FrameBatch; output: PassOutput; usage: TokenUsage }[];
  readonly services: readonly string[];
  readonly pick: <T>(items: readonly T[]) => T;
}

/** Builds the report of the run's kind; `final` is undefined for the partial report of a failure. */
function buildReport(
  context: ReportContext,
  final: { output: PassOutput; usage: TokenUsage } | undefined,
): JsonObject {
  const { request, source, metadata, warnings, outputs } = context;
  const framesAnalyzed = outputs.reduce((sum, entry) => sum + entry.batch.frameCount, 0);
  const totalUsage = sumUsage([
    ...outputs.map((entry) => entry.usage),
    ...(final === undefined ? [] : [final.usage]),
  ]);

  if (request.kind === "generic") {
    return {
      source: { ...source },
      metadata: { ...metadata },
      framesAnalyzed,
      batches: outputs.map(({ batch, output, usage }) => ({
        ...batch,
        rawText: output.rawText,
        ...(output.parsed === undefined ? {} : { parsed: output.parsed }),
        usage,
      })),
      ...(final === undefined
        ? {}
        : {
            finalResult: {
              rawText: final.output.rawText,
              ...(final.output.parsed === undefined ? {} : { parsed: final.output.parsed }),
              usage: final.usage,
            },
          }),
      totalUsage,
      warnings: [...warnings],
    };
  }

  const steps = outputs.map(({ batch }, index) => ({
    index,
    description: `${capitalize(context.pick(ACTIONS))} ${context.pick(OBJECTS)} in ${context.pick(context.services)}.`,
    approxTimestampSec: batch.startSec,
    uiElements: [context.pick(UI_ELEMENTS), context.pick(UI_ELEMENTS)].filter(
      (element, position, all) => all.indexOf(element) === position,
    ),
  }));
  const goalSummary = `Use ${context.services.join(" and ")} to ${context.pick(ACTIONS)} ${context.pick(OBJECTS)}.`;
  return {
    source: { ...source },
    durationSec: metadata.durationSec,
    framesAnalyzed,
    identifiedServices: [...context.services],
    ...(final === undefined ? {} : { goalSummary, rawSynthesis: JSON.stringify({ goalSummary, steps }) }),
    steps: final === undefined ? [] : steps,
    batchSummaries: outputs.map(({ batch, output, usage }) => ({
      batchIndex: batch.batchIndex,
      startSec: batch.startSec,
      endSec: batch.endSec,
      text: output.rawText,
      usage,
    })),
    totalUsage,
    warnings: [...warnings],
  };
}

function pickServices(random: () => number): string[] {
  const count = 1 + Math.floor(random() * 3);
  const start = Math.floor(random() * SERVICES.length);
  return Array.from({ length: count }, (_, offset) => SERVICES[(start + offset) % SERVICES.length] as string);
}

function usageOf(promptTokens: number, completionTokens: number): TokenUsage {
  return { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens };
}

function sumUsage(usages: readonly TokenUsage[]): TokenUsage {
  const prompt = usages.reduce((sum, usage) => sum + usage.promptTokens, 0);
  const completion = usages.reduce((sum, usage) => sum + usage.completionTokens, 0);
  return usageOf(prompt, completion);
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function roundSeconds(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
