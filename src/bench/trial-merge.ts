import { addHistograms, decodeHistogram, encodeHistogram, summarizeHistogram } from "./histogram.ts";
import { FAILURE_KINDS, type FailureKind } from "./request-outcome.ts";
import {
  METRIC_NAMES,
  type MetricHistogram,
  type MetricName,
  type TimelineBucket,
  type TrialResult,
} from "./trial-result.ts";

/**
 * How trials are combined:
 * - `concurrent`: shards of one trial that ran at the same time on several machines. Durations
 *   overlap, so the merged duration is the longest one and rates come from summed counts.
 * - `sequential`: the repeated trials of one load point. Durations add up.
 * In both, histograms are added bucket by bucket, so the percentiles of the result are exact for
 * the union of all requests (never averages of percentiles).
 */
export type MergeMode = "concurrent" | "sequential";

export function mergeTrials(trials: readonly TrialResult[], mode: MergeMode): TrialResult {
  const first = trials[0];
  if (first === undefined) throw new Error("mergeTrials needs at least one trial.");
  if (trials.length === 1) return first;

  const durationSec =
    mode === "concurrent"
      ? Math.max(...trials.map((trial) => trial.durationSec))
      : trials.reduce((sum, trial) => sum + trial.durationSec, 0);
  const sum = (pick: (trial: TrialResult) => number): number =>
    trials.reduce((total, trial) => total + pick(trial), 0);

  const failures = Object.fromEntries(
    FAILURE_KINDS.map((kind) => [kind, sum((trial) => trial.counts.failures[kind] ?? 0)]),
  ) as Record<FailureKind, number>;
  const statusCodes: Record<string, number> = {};
  for (const trial of trials) {
    for (const [code, count] of Object.entries(trial.counts.statusCodes))
      statusCodes[code] = (statusCodes[code] ?? 0) + count;
  }

  const succeeded = sum((trial) => trial.counts.succeeded);
  const bytesReceived = sum((trial) => trial.counts.bytesReceived);
  const outputTokens = sum((trial) => trial.outputTokens.total);
  const hasGood = trials.every((trial) => trial.good !== undefined);
  const good = hasGood ? sum((trial) => trial.good ?? 0) : undefined;

  const merged: TrialResult = {
    engine: first.engine,
    startedAt: trials.map((trial) => trial.startedAt).sort()[0] ?? first.startedAt,
    durationSec,
    counts: {
      sent: sum((trial) => trial.counts.sent),
      succeeded,
      failed: sum((trial) => trial.counts.failed),
      warmup: sum((trial) => trial.counts.warmup),
      aborted: sum((trial) => trial.counts.aborted),
      failures,
      statusCodes,
      bytesReceived,
    },
    throughput: {
      requestsPerSec: succeeded / durationSec,
      outputTokensPerSec: outputTokens / durationSec,
      bytesPerSec: bytesReceived / durationSec,
      goodputPerSec: good === undefined ? undefined : good / durationSec,
    },
    outputTokens: {
      total: outputTokens,
      fromUsage: sum((trial) => trial.outputTokens.fromUsage),
      fromCountedDeltas: sum((trial) => trial.outputTokens.fromCountedDeltas),
    },
    good,
    metrics: mergeMetrics(trials),
    timeline: mode === "concurrent" ? addTimelines(trials) : appendTimelines(trials),
    failureSamples: mergeFailureSamples(trials),
  };
  const autocannonTrials = trials
    .map((trial) => trial.autocannon)
    .filter((counters) => counters !== undefined);
  if (autocannonTrials.length === 0) return merged;
  return {
    ...merged,
    autocannon: {
      non2xx: autocannonTrials.reduce((total, counters) => total + counters.non2xx, 0),
      errors: autocannonTrials.reduce((total, counters) => total + counters.errors, 0),
      timeouts: autocannonTrials.reduce((total, counters) => total + counters.timeouts, 0),
      resets: autocannonTrials.reduce((total, counters) => total + counters.resets, 0),
      unanswered: autocannonTrials.reduce((total, counters) => total + (counters.unanswered ?? 0), 0),
      lost: autocannonTrials.reduce((total, counters) => total + (counters.lost ?? 0), 0),
    },
  };
}

function mergeMetrics(trials: readonly TrialResult[]): Partial<Record<MetricName, MetricHistogram>> {
  const metrics: Partial<Record<MetricName, MetricHistogram>> = {};
  for (const name of METRIC_NAMES) {
    const parts = trials.map((trial) => trial.metrics[name]).filter((metric) => metric !== undefined);
    const firstPart = parts[0];
    if (firstPart === undefined) continue;
    const histogram = addHistograms(parts.map((part) => decodeHistogram(part.encoded)));
    metrics[name] = {
      unit: firstPart.unit,
      summary: summarizeHistogram(histogram),
      encoded: encodeHistogram(histogram),
    };
  }
  return metrics;
}

/** Adds the buckets of the same second: shards ran at the same time. */
function addTimelines(trials: readonly TrialResult[]): TimelineBucket[] {
  const length = Math.max(...trials.map((trial) => trial.timeline.length));
  return Array.from({ length }, (_unused, second) => {
    const bucket = { second, succeeded: 0, failed: 0, outputTokens: 0, bytes: 0 };
    for (const trial of trials) {
      const other = trial.timeline[second];
      if (other === undefined) continue;
      bucket.succeeded += other.succeeded;
      bucket.failed += other.failed;
      bucket.outputTokens += other.outputTokens;
      bucket.bytes += other.bytes;
    }
    return bucket;
  });
}

/** Places the trials one after another on one time axis. */
function appendTimelines(trials: readonly TrialResult[]): TimelineBucket[] {
  const buckets: TimelineBucket[] = [];
  for (const trial of trials) {
    for (const bucket of trial.timeline) buckets.push({ ...bucket, second: buckets.length });
  }
  return buckets;
}

function mergeFailureSamples(trials: readonly TrialResult[]): Partial<Record<FailureKind, string[]>> {
  const samples: Partial<Record<FailureKind, string[]>> = {};
  for (const trial of trials) {
    for (const kind of FAILURE_KINDS) {
      const messages = trial.failureSamples[kind];
      if (messages === undefined) continue;
      const target = (samples[kind] ??= []);
      for (const message of messages) if (target.length < 5) target.push(message);
    }
  }
  return samples;
}
