import { Ajv2020, type ErrorObject } from "ajv/dist/2020.js";
import { REPORT_FORMAT, type BenchReport } from "./bench-report.ts";
import { decodeHistogram } from "./histogram.ts";
import { FAILURE_KINDS } from "./request-outcome.ts";
import { METRIC_NAMES } from "./trial-result.ts";

/**
 * JSON Schema (2020-12) of the fields of a bench report that `bench compare`, `bench merge` and the
 * report renderers read, so that a damaged or hand-edited file is rejected with the failing
 * location instead of crashing one of them. Fields that no reader uses are left open.
 */
const number = { type: "number" } as const;
const count = { type: "integer", minimum: 0 } as const;
const text = { type: "string" } as const;

const summarySchema = {
  type: "object",
  required: ["count", "min", "mean", "stddev", "p50", "p90", "p95", "p99", "p999", "max"],
  properties: {
    count,
    min: number,
    mean: number,
    stddev: number,
    p50: number,
    p90: number,
    p95: number,
    p99: number,
    p999: number,
    max: number,
  },
} as const;

const metricSchema = {
  type: "object",
  required: ["unit", "summary", "encoded"],
  properties: {
    unit: { enum: ["us", "tokens"] },
    summary: summarySchema,
    encoded: { type: "string", pattern: "^HISTF" },
  },
} as const;

const trialSchema = {
  type: "object",
  required: [
    "engine",
    "startedAt",
    "durationSec",
    "counts",
    "throughput",
    "outputTokens",
    "metrics",
    "timeline",
    "failureSamples",
  ],
  properties: {
    engine: { enum: ["stream-client", "request-client", "autocannon"] },
    startedAt: text,
    durationSec: number,
    counts: {
      type: "object",
      required: [
        "sent",
        "succeeded",
        "failed",
        "warmup",
        "aborted",
        "failures",
        "statusCodes",
        "bytesReceived",
      ],
      properties: {
        sent: count,
        succeeded: count,
        failed: count,
        warmup: count,
        aborted: count,
        failures: {
          type: "object",
          required: [...FAILURE_KINDS],
          properties: Object.fromEntries(FAILURE_KINDS.map((kind) => [kind, count])),
        },
        statusCodes: { type: "object", additionalProperties: count },
        bytesReceived: count,
      },
    },
    throughput: {
      type: "object",
      required: ["requestsPerSec", "outputTokensPerSec", "bytesPerSec"],
      properties: {
        requestsPerSec: number,
        outputTokensPerSec: number,
        bytesPerSec: number,
        goodputPerSec: number,
      },
    },
    outputTokens: {
      type: "object",
      required: ["total", "fromUsage", "fromCountedDeltas"],
      properties: { total: count, fromUsage: count, fromCountedDeltas: count },
    },
    good: count,
    metrics: {
      type: "object",
      propertyNames: { enum: [...METRIC_NAMES] },
      additionalProperties: metricSchema,
    },
    timeline: {
      type: "array",
      items: {
        type: "object",
        required: ["second", "succeeded", "failed", "outputTokens", "bytes"],
        properties: { second: count, succeeded: count, failed: count, outputTokens: number, bytes: count },
      },
    },
    failureSamples: {
      type: "object",
      additionalProperties: { type: "array", items: text },
    },
  },
} as const;

const loadSchema = {
  oneOf: [
    {
      type: "object",
      required: ["mode", "concurrency"],
      properties: { mode: { const: "closed" }, concurrency: { type: "integer", minimum: 1 } },
    },
    {
      type: "object",
      required: ["mode", "rate", "arrival"],
      properties: {
        mode: { const: "open" },
        rate: { type: "number", exclusiveMinimum: 0 },
        arrival: { enum: ["poisson", "constant"] },
      },
    },
  ],
} as const;

const reportSchema = {
  type: "object",
  required: [
    "format",
    "scenario",
    "settings",
    "target",
    "environment",
    "startedAt",
    "finishedAt",
    "partial",
    "points",
  ],
  properties: {
    format: { const: REPORT_FORMAT },
    scenario: {
      type: "object",
      required: ["name", "description", "kind"],
      properties: { name: text, description: text, kind: { enum: ["chat-stream", "chat", "embeddings"] } },
    },
    settings: {
      type: "object",
      required: ["engine", "path", "seed", "warmupSeconds", "durationSeconds", "trials", "thresholds"],
      properties: {
        engine: { enum: ["stream-client", "request-client", "autocannon"] },
        path: text,
        seed: count,
        warmupSeconds: number,
        durationSeconds: number,
        trials: { type: "integer", minimum: 1 },
        thresholds: { type: "object", additionalProperties: number },
      },
    },
    target: {
      type: "object",
      required: ["baseUrl", "embeddedMock"],
      properties: { baseUrl: text, embeddedMock: { type: "boolean" } },
    },
    environment: {
      type: "object",
      required: ["gitSha", "nodeVersion", "cpuModel", "cores"],
      properties: { gitSha: text, nodeVersion: text, cpuModel: text, cores: count },
    },
    shard: {
      type: "object",
      required: ["count", "indexes"],
      properties: {
        count: { type: "integer", minimum: 1 },
        indexes: { type: "array", minItems: 1, items: { type: "integer", minimum: 1 } },
      },
    },
    startedAt: text,
    finishedAt: text,
    partial: { type: "boolean" },
    stopReason: text,
    points: {
      type: "array",
      items: {
        type: "object",
        required: ["load", "label", "trials", "combined"],
        properties: {
          load: loadSchema,
          label: text,
          trials: { type: "array", minItems: 1, items: trialSchema },
          combined: trialSchema,
        },
      },
    },
  },
} as const;

const validateReport = new Ajv2020({ allErrors: false, strict: true }).compile(reportSchema);

/**
 * Returns undefined for a value shaped like a bench report whose histograms decode, or the first
 * defect as a sentence.
 */
export function findReportDefect(value: unknown): string | undefined {
  if (!validateReport(value)) {
    const error = validateReport.errors?.[0];
    return error === undefined ? "it does not match the report format" : describeSchemaError(error);
  }
  return findHistogramDefect(value as BenchReport);
}

/** Decodes every histogram, because `bench merge` adds them and a damaged one would stop it. */
function findHistogramDefect(report: BenchReport): string | undefined {
  for (const [pointIndex, point] of report.points.entries()) {
    const trials = [
      ...point.trials.map((trial, index) => ({ trial, path: `/points/${pointIndex}/trials/${index}` })),
      { trial: point.combined, path: `/points/${pointIndex}/combined` },
    ];
    for (const { trial, path } of trials) {
      for (const [name, metric] of Object.entries(trial.metrics)) {
        try {
          decodeHistogram(metric.encoded);
        } catch (error) {
          return `${path}/metrics/${name}/encoded is not an HDR histogram (${(error as Error).message})`;
        }
      }
    }
  }
  return undefined;
}

function describeSchemaError(error: ErrorObject): string {
  const location = error.instancePath === "" ? "the top level" : error.instancePath;
  return `${location} ${error.message ?? "is invalid"}`;
}
