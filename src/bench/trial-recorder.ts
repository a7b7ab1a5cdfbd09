import {
  createHistogram,
  encodeHistogram,
  recordCount,
  recordMilliseconds,
  summarizeHistogram,
  type Histogram,
} from "./histogram.ts";
import { FAILURE_KINDS, type FailureKind, type RequestOutcome } from "./request-outcome.ts";
import { isSloEmpty, type Slo } from "./slo.ts";
import type { EngineName, MetricHistogram, MetricName, TimelineBucket, TrialResult } from "./trial-result.ts";

const FAILURE_SAMPLE_LIMIT = 5;

interface MutableBucket {
  succeeded: number;
  failed: number;
  outputTokens: number;
  bytes: number;
}

/**
 * Turns request outcomes into the figures of one trial. Requests planned before `measureStart`
 * are warm-up and only counted. Failed requests are counted by class and kept out of every
 * latency histogram; the queueing delay is recorded for every measured request.
 */
export class TrialRecorder {
  private readonly histograms = new Map<MetricName, Histogram>();
  private readonly failures = Object.fromEntries(FAILURE_KINDS.map((kind) => [kind, 0])) as Record<
    FailureKind,
    number
  >;
  private readonly failureSamples: Partial<Record<FailureKind, string[]>> = {};
  private readonly statusCodes: Record<string, number> = {};
  private readonly timeline: MutableBucket[] = [];
  private sent = 0;
  private succeeded = 0;
  private warmup = 0;
  private aborted = 0;
  private good = 0;
  private outputTokens = 0;
  private fromUsage = 0;
  private fromCountedDeltas = 0;
  private bytes = 0;
  private lastEndedAt: number | undefined;

  constructor(
    private readonly engine: EngineName,
    /** `performance.now()` at the end of the warm-up. */
    private readonly measureStart: number,
    private readonly slo: Slo,
  ) {}

  record(outcome: RequestOutcome): void {
    if (outcome.plannedAt < this.measureStart) {
      this.warmup += 1;
      return;
    }
    if (outcome.aborted) {
      this.aborted += 1;
      return;
    }
    this.sent += 1;
    this.bytes += outcome.bytesReceived;
    this.lastEndedAt = Math.max(this.lastEndedAt ?? outcome.endedAt, outcome.endedAt);
    this.recordValue("queueDelay", outcome.sentAt - outcome.plannedAt);
    if (outcome.status !== undefined) {
      this.statusCodes[String(outcome.status)] = (this.statusCodes[String(outcome.status)] ?? 0) + 1;
    }
    const bucket = this.bucketAt(outcome.endedAt);
    bucket.bytes += outcome.bytesReceived;

    if (outcome.failure !== undefined) {
      this.failures[outcome.failure.kind] += 1;
      const samples = (this.failureSamples[outcome.failure.kind] ??= []);
      if (samples.length < FAILURE_SAMPLE_LIMIT) samples.push(outcome.failure.message);
      bucket.failed += 1;
      return;
    }

    this.succeeded += 1;
    bucket.succeeded += 1;
    const e2eMs = outcome.endedAt - outcome.plannedAt;
    this.recordValue("e2e", e2eMs);
    if (outcome.headersAt !== undefined) this.recordValue("ttfb", outcome.headersAt - outcome.plannedAt);

    const stream = outcome.stream;
    if (stream === undefined) {
      if (outcome.outputTokens !== undefined) {
        this.outputTokens += outcome.outputTokens;
        this.fromUsage += 1;
        bucket.outputTokens += outcome.outputTokens;
        this.recordCountValue(outcome.outputTokens);
      }
      if (this.isGood(undefined, undefined, e2eMs)) this.good += 1;
      return;
    }

    const firstDeltaAt = stream.deltaTimes[0];
    const ttftMs = firstDeltaAt === undefined ? undefined : firstDeltaAt - outcome.plannedAt;
    if (ttftMs !== undefined) this.recordValue("ttft", ttftMs);
    for (let i = 1; i < stream.deltaTimes.length; i += 1) {
      this.recordValue("itl", (stream.deltaTimes[i] ?? 0) - (stream.deltaTimes[i - 1] ?? 0));
    }
    // TPOT as vLLM and genai-perf compute it: (E2E - TTFT) / (output tokens - 1).
    let tpotMs: number | undefined;
    if (ttftMs !== undefined && stream.outputTokens > 1) {
      tpotMs = (e2eMs - ttftMs) / (stream.outputTokens - 1);
      this.recordValue("tpot", tpotMs);
    }
    this.outputTokens += stream.outputTokens;
    this.recordCountValue(stream.outputTokens);
    if (stream.tokenSource === "usage") this.fromUsage += 1;
    else this.fromCountedDeltas += 1;
    // Output tokens go to the seconds in which their deltas arrived, shared evenly over the deltas.
    const perDelta = stream.deltaTimes.length === 0 ? 0 : stream.outputTokens / stream.deltaTimes.length;
    for (const at of stream.deltaTimes) this.bucketAt(at).outputTokens += perDelta;
    // vLLM counts TPOT as 0 for goodput when a request has one token.
    if (this.isGood(ttftMs, tpotMs ?? 0, e2eMs)) this.good += 1;
  }

  /**
   * Builds the trial result. The duration ends at the last measured response, or at `stoppedAt`
   * when nothing was measured or when `untilStopped` is set: a trial that ended with requests still
   * unanswered lasted until it was stopped, not until its last response.
   */
  finish(startedAtIso: string, stoppedAt: number, untilStopped = false): TrialResult {
    const endedAt = untilStopped ? stoppedAt : (this.lastEndedAt ?? stoppedAt);
    const durationMs = Math.max(1, endedAt - this.measureStart);
    const durationSec = durationMs / 1000;
    const metrics: Partial<Record<MetricName, MetricHistogram>> = {};
    for (const [name, histogram] of this.histograms) {
      metrics[name] = {
        unit: name === "outputTokens" ? "tokens" : "us",
        summary: summarizeHistogram(histogram),
        encoded: encodeHistogram(histogram),
      };
    }
    const failed = FAILURE_KINDS.reduce((sum, kind) => sum + this.failures[kind], 0);
    const hasSlo = !isSloEmpty(this.slo);
    return {
      engine: this.engine,
      startedAt: startedAtIso,
      durationSec,
      counts: {
        sent: this.sent,
        succeeded: this.succeeded,
        failed,
        warmup: this.warmup,
        aborted: this.aborted,
        failures: { ...this.failures },
        statusCodes: { ...this.statusCodes },
        bytesReceived: this.bytes,
      },
      throughput: {
        requestsPerSec: this.succeeded / durationSec,
        outputTokensPerSec: this.outputTokens / durationSec,
        bytesPerSec: this.bytes / durationSec,
        goodputPerSec: hasSlo ? this.good / durationSec : undefined,
      },
      outputTokens: {
        total: this.outputTokens,
        fromUsage: this.fromUsage,
        fromCountedDeltas: this.fromCountedDeltas,
      },
      good: hasSlo ? this.good : undefined,
      metrics,
      timeline: this.timeline.map((bucket, second): TimelineBucket => ({ second, ...bucket })),
      failureSamples: this.failureSamples,
    };
  }

  private isGood(ttftMs: number | undefined, tpotMs: number | undefined, e2eMs: number): boolean {
    const { ttft, tpot, e2el } = this.slo;
    if (ttft !== undefined && (ttftMs === undefined || ttftMs > ttft)) return false;
    if (tpot !== undefined && (tpotMs === undefined || tpotMs > tpot)) return false;
    return e2el === undefined || e2eMs <= e2el;
  }

  private recordValue(name: MetricName, milliseconds: number): void {
    recordMilliseconds(this.histogramOf(name), milliseconds);
  }

  private recordCountValue(tokens: number): void {
    recordCount(this.histogramOf("outputTokens"), tokens);
  }

  private histogramOf(name: MetricName): Histogram {
    let histogram = this.histograms.get(name);
    if (histogram === undefined) {
      histogram = createHistogram();
      this.histograms.set(name, histogram);
    }
    return histogram;
  }

  private bucketAt(time: number): MutableBucket {
    const second = Math.max(0, Math.floor((time - this.measureStart) / 1000));
    while (this.timeline.length <= second)
      this.timeline.push({ succeeded: 0, failed: 0, outputTokens: 0, bytes: 0 });
    return this.timeline[second] as MutableBucket;
  }
}
